using System.Collections.Frozen;
using System.Reflection;
using Orchestrator.Runtime.Invocation;

namespace Orchestrator.Runtime.Activation;

/// <summary>The grain classes a silo hosts: their type names, the interfaces they implement and their implicit
/// stream subscriptions. Built once at startup.</summary>
internal sealed class GrainTypeRegistry
{
    private static readonly HashSet<Type> SystemInterfaces =
        [typeof(IGrain), typeof(IGrainWithStringKey), typeof(IRemindable), typeof(IStreamConsumerGrain)];

    private readonly FrozenDictionary<string, Type> _classesByType;
    private readonly FrozenDictionary<Type, string[]> _typesByInterface;
    private readonly FrozenDictionary<string, string[]> _implicitByNamespace;

    public GrainTypeRegistry(IEnumerable<Type> grainClasses)
    {
        var classes = new Dictionary<string, Type>(StringComparer.Ordinal);
        var interfaces = new Dictionary<Type, List<string>>();
        var implicitSubscriptions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var grainClass in grainClasses.Distinct())
        {
            if (grainClass.IsAbstract || !typeof(IGrain).IsAssignableFrom(grainClass))
            {
                throw new ArgumentException($"{grainClass.FullName} is not a concrete grain class.", nameof(grainClasses));
            }

            var typeName = GetTypeName(grainClass);
            if (!classes.TryAdd(typeName, grainClass))
            {
                throw new InvalidOperationException(
                    $"Grain classes {classes[typeName].FullName} and {grainClass.FullName} share the grain type name '{typeName}'; give one a [GrainType] name.");
            }

            foreach (var grainInterface in grainClass.GetInterfaces().Where(i => typeof(IGrain).IsAssignableFrom(i)))
            {
                GrainMethodTable.Validate(grainInterface);
                if (!interfaces.TryGetValue(grainInterface, out var list))
                {
                    interfaces[grainInterface] = list = [];
                }

                list.Add(typeName);
            }

            foreach (var subscription in grainClass.GetCustomAttributes<ImplicitStreamSubscriptionAttribute>())
            {
                if (!typeof(IStreamConsumerGrain).IsAssignableFrom(grainClass))
                {
                    throw new InvalidOperationException(
                        $"{grainClass.FullName} has [ImplicitStreamSubscription(\"{subscription.Namespace}\")] but does not implement IStreamConsumerGrain.");
                }

                if (!implicitSubscriptions.TryGetValue(subscription.Namespace, out var list))
                {
                    implicitSubscriptions[subscription.Namespace] = list = [];
                }

                list.Add(typeName);
            }
        }

        _classesByType = classes.ToFrozenDictionary(StringComparer.Ordinal);
        _typesByInterface = interfaces.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray());
        _implicitByNamespace = implicitSubscriptions.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> GrainTypes => _classesByType.Keys;

    /// <summary>The grain type name of a class: its [GrainType] name, or the class name without "Grain", lower case.</summary>
    public static string GetTypeName(Type grainClass)
    {
        ArgumentNullException.ThrowIfNull(grainClass);
        var explicitName = grainClass.GetCustomAttribute<GrainTypeAttribute>()?.Name;
        if (explicitName is not null)
        {
            return explicitName;
        }

        var name = grainClass.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }

    public Type GetClass(string grainType) =>
        _classesByType.TryGetValue(grainType, out var type)
            ? type
            : throw new InvalidOperationException($"No grain class is registered for grain type '{grainType}'. Registered: {string.Join(", ", _classesByType.Keys.Order(StringComparer.Ordinal))}.");

    public bool IsRegistered(string grainType) => _classesByType.ContainsKey(grainType);

    public string GetGrainType(Type grainInterface)
    {
        if (!_typesByInterface.TryGetValue(grainInterface, out var types))
        {
            throw new InvalidOperationException($"No registered grain class implements {grainInterface.FullName}.");
        }

        if (types.Length > 1 && !SystemInterfaces.Contains(grainInterface))
        {
            throw new InvalidOperationException(
                $"Several grain classes implement {grainInterface.FullName} ({string.Join(", ", types)}); name the grain type in GetGrain.");
        }

        return types[0];
    }

    public IReadOnlyList<string> GetImplicitSubscribers(string streamNamespace) =>
        _implicitByNamespace.TryGetValue(streamNamespace, out var types) ? types : [];

    public IEnumerable<string> ImplicitNamespaces => _implicitByNamespace.Keys;
}
