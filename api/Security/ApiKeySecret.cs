using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Api.Security;

/// <summary>API keys: <c>ork_{id}_{secret}</c>, a public id (so a key is found without trying every hash) and 32 random
/// bytes. Only a salted hash of the secret is stored: HMAC-SHA256 keyed with a random salt per key, compared in constant
/// time.</summary>
public static class ApiKeySecret
{
    private const string Prefix = "ork_";

    /// <summary>A new key: its id, the text given to its owner once, and what is stored.</summary>
    public static (string Id, string Key, string Salt, string Hash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var salt = RandomNumberGenerator.GetBytes(16);
        return (id, $"{Prefix}{id}_{secret}", Convert.ToBase64String(salt), Convert.ToBase64String(Hash(salt, secret)));
    }

    /// <summary>The id and secret of a presented key; false when it is not shaped like one.</summary>
    public static bool TryRead(string presented, out string id, out string secret)
    {
        id = secret = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator <= 0 || separator == rest.Length - 1)
        {
            return false;
        }

        id = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    /// <summary>True when <paramref name="secret"/> hashes, with <paramref name="salt"/>, to <paramref name="hash"/>.</summary>
    public static bool Matches(string secret, string salt, string hash)
    {
        try
        {
            return CryptographicOperations.FixedTimeEquals(Hash(Convert.FromBase64String(salt), secret), Convert.FromBase64String(hash));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The salted hash of any text (a key from the key file, whatever its shape).</summary>
    public static (string Salt, string Hash) HashOf(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (Convert.ToBase64String(salt), Convert.ToBase64String(Hash(salt, secret)));
    }

    private static byte[] Hash(byte[] salt, string secret) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
