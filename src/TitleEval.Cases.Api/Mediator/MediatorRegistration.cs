using System.Reflection;
using MediatR;

namespace TitleEval.Cases.Api.Mediator;

/// <summary>
/// MediatR 5.1.0 has no dependency-injection package (the later ones do not restore here), so the mediator and the
/// handlers are registered by hand: every concrete class of the scanned assemblies that implements one of
/// <see cref="HandlerInterfaces"/> is registered transient under each such interface it implements.
/// </summary>
public static class MediatorRegistration
{
    /// <summary>The open generic interfaces whose implementations are registered.</summary>
    public static IReadOnlyList<Type> HandlerInterfaces { get; } =
    [
        typeof(IRequestHandler<,>),
        typeof(IRequestHandler<>),
        typeof(INotificationHandler<>),
        typeof(IPipelineBehavior<,>),
    ];

    public static WebApplicationBuilder AddMediatR(this WebApplicationBuilder builder)
    {
        builder.Services.AddMediator(typeof(Program).Assembly);
        return builder;
    }

    public static IServiceCollection AddMediator(this IServiceCollection services, params Assembly[] assemblies)
    {
        services.AddTransient<ServiceFactory>(provider => provider.GetService);
        services.AddTransient<IMediator, MediatR.Mediator>();

        foreach (var implementation in assemblies.Distinct().SelectMany(assembly => assembly.GetTypes()).Where(IsConcreteClass))
        {
            foreach (var service in implementation.GetInterfaces().Where(IsHandlerInterface))
            {
                Register(services, service, implementation);
            }
        }

        return services;
    }

    private static void Register(IServiceCollection services, Type service, Type implementation)
    {
        if (!implementation.IsGenericTypeDefinition)
        {
            services.AddTransient(service, implementation);
            return;
        }

        // An open generic, e.g. LoggingBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>, can only be
        // registered as the open interface when it passes its own type parameters straight through, in order.
        if (!service.GetGenericArguments().SequenceEqual(implementation.GetGenericArguments()))
        {
            throw new InvalidOperationException(
                $"{implementation} implements {service} with other type arguments than its own; " +
                "register it by hand or make its type parameters match the interface's.");
        }

        services.AddTransient(service.GetGenericTypeDefinition(), implementation);
    }

    private static bool IsConcreteClass(Type type) => type is { IsClass: true, IsAbstract: false };

    private static bool IsHandlerInterface(Type type) =>
        type.IsGenericType && HandlerInterfaces.Contains(type.GetGenericTypeDefinition());
}
