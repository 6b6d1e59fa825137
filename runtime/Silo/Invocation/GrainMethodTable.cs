using System.Collections.Concurrent;
using System.Reflection;

namespace Orchestrator.Runtime.Invocation;

/// <summary>Compiled descriptors of grain interface methods, built once per method.</summary>
internal static class GrainMethodTable
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Methods = new();

    public static GrainMethod Get(MethodInfo method) => Methods.GetOrAdd(method, GrainMethod.Create);

    public static GrainMethod ReceiveReminder { get; } =
        Get(typeof(IRemindable).GetMethod(nameof(IRemindable.ReceiveReminder))!);

    public static GrainMethod OnStreamItem { get; } =
        Get(typeof(IStreamConsumerGrain).GetMethod(nameof(IStreamConsumerGrain.OnStreamItemAsync))!);

    /// <summary>Checks every method of a grain interface up front, so a bad signature fails at startup, not on first call.</summary>
    public static void Validate(Type grainInterface)
    {
        foreach (var method in grainInterface.GetMethods())
        {
            Get(method);
        }

        foreach (var inherited in grainInterface.GetInterfaces())
        {
            foreach (var method in inherited.GetMethods())
            {
                Get(method);
            }
        }
    }
}
