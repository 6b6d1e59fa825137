using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Runtime.Hosting;
using Orchestrator.Runtime.State;
using Orchestrator.Runtime.Storage;

namespace Orchestrator.Runtime.Activation;

/// <summary>Constructs grain instances: constructor parameters come from DI, persistent states from storage. The
/// constructor call is compiled once per grain class.</summary>
internal sealed class GrainActivator(GrainTypeRegistry registry, IServiceProvider services, IStorageBackend storage, SiloOptions options)
{
    private static readonly MethodInfo CreateStateMethod =
        typeof(GrainActivator).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly ConcurrentDictionary<string, ClassFactory> _factories = new(StringComparer.Ordinal);

    public (object Grain, IReadOnlyList<IActivationStateLoader> Loaders) Create(ActivationData activation)
    {
        var factory = _factories.GetOrAdd(activation.GrainId.Type, Build);
        var arguments = new object?[factory.Parameters.Length];
        var loaders = new List<IActivationStateLoader>();
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = factory.Parameters[i](activation);
            if (arguments[i] is IActivationStateLoader loader)
            {
                loaders.Add(loader);
            }
        }

        var grain = factory.Construct(arguments);
        if (grain is Grain baseGrain)
        {
            baseGrain.Bind(activation);
        }

        return (grain, loaders);
    }

    private ClassFactory Build(string grainType)
    {
        var grainClass = registry.GetClass(grainType);
        var constructor = grainClass.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {grainClass.FullName} has no constructor.");

        var parameters = constructor.GetParameters();
        var resolvers = new Func<ActivationData, object?>[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            resolvers[i] = BuildResolver(grainClass, parameters[i]);
        }

        var args = Expression.Parameter(typeof(object?[]), "args");
        var construct = Expression.New(constructor, parameters.Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType)));
        var compiled = Expression.Lambda<Func<object?[], object>>(Expression.Convert(construct, typeof(object)), args).Compile();
        return new ClassFactory(compiled, resolvers);
    }

    private Func<ActivationData, object?> BuildResolver(Type grainClass, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var stateAttribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
        if (stateAttribute is not null)
        {
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                throw new InvalidOperationException(
                    $"Parameter '{parameter.Name}' of {grainClass.FullName} has [PersistentState] but is not an IPersistentState<T>.");
            }

            if (stateAttribute.StorageName is not null && stateAttribute.StorageName != storage.Name && stateAttribute.StorageName != "default")
            {
                throw new InvalidOperationException(
                    $"Parameter '{parameter.Name}' of {grainClass.FullName} asks for storage '{stateAttribute.StorageName}', but this silo uses '{storage.Name}'.");
            }

            var create = CreateStateMethod.MakeGenericMethod(type.GetGenericArguments()[0])
                .CreateDelegate<Func<GrainId, string, IGrainStorage, SiloOptions, object>>();
            var stateName = stateAttribute.StateName;
            return activation => create(activation.GrainId, stateName, storage.Grains, options);
        }

        if (type == typeof(IGrainContext))
        {
            return activation => activation;
        }

        if (type == typeof(IGrainFactory))
        {
            return activation => activation.GrainFactory;
        }

        return _ => services.GetService(type) ?? (parameter.HasDefaultValue
            ? parameter.DefaultValue
            : throw new InvalidOperationException($"Grain class {grainClass.FullName} needs a {type.FullName} (parameter '{parameter.Name}'), which is not registered."));
    }

    private static PersistentState<TState> CreateState<TState>(GrainId grainId, string stateName, IGrainStorage storage, SiloOptions options)
        where TState : new() =>
        new PersistentState<TState>(grainId, stateName, storage, options.JsonOptions);

    private sealed record ClassFactory(Func<object?[], object> Construct, Func<ActivationData, object?>[] Parameters);
}
