using System.Net;
using Orchestrator.Nodes;
using Orchestrator.Nodes.Executors;

namespace Orchestrator.Grains.Tests.Nodes;

public sealed class OutboundGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("224.0.0.1")]
    public void InternalAddresses_AreRefused_WhenRestricted(string address)
    {
        var options = new NodeExecutorOptions { Restricted = true };

        Assert.True(OutboundGuard.IsInternal(IPAddress.Parse(address)));
        Assert.False(OutboundGuard.Allowed("example.internal", IPAddress.Parse(address), options));
        Assert.True(OutboundGuard.Allowed("example.internal", IPAddress.Parse(address), new NodeExecutorOptions { Restricted = false }));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    public void PublicAddresses_AreAllowed(string address)
    {
        Assert.False(OutboundGuard.IsInternal(IPAddress.Parse(address)));
        Assert.True(OutboundGuard.Allowed("example.com", IPAddress.Parse(address), new NodeExecutorOptions { Restricted = true }));
    }

    [Fact]
    public void HttpAllow_OpensNamedHostsRangesAndAddresses()
    {
        var options = new NodeExecutorOptions { Restricted = true };
        options.HttpAllow.Add("db.internal");
        options.HttpAllow.Add("10.20.0.0/16");
        options.HttpAllow.Add("192.168.7.7");

        Assert.True(OutboundGuard.Allowed("db.internal", IPAddress.Parse("10.9.9.9"), options));
        Assert.True(OutboundGuard.Allowed("x", IPAddress.Parse("10.20.30.40"), options));
        Assert.True(OutboundGuard.Allowed("x", IPAddress.Parse("192.168.7.7"), options));
        Assert.False(OutboundGuard.Allowed("x", IPAddress.Parse("10.21.0.1"), options));
        Assert.False(OutboundGuard.Allowed("x", IPAddress.Parse("169.254.169.254"), options));
    }
}
