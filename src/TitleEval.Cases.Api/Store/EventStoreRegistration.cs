using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Store;

public static class EventStoreRegistration
{
    /// <summary>
    /// Binds <see cref="EventStoreOptions"/> from section <c>EventStore</c> (validated when the host starts), registers
    /// <see cref="TimeProvider.System"/>, the <see cref="IEventStore"/> singleton, and the hosted service that initializes it.
    /// </summary>
    public static WebApplicationBuilder AddEventStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventStoreOptions>()
            .BindConfiguration(EventStoreOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EventStoreOptions>, EventStoreOptionsValidator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IEventStore>(services => EventStoreFactory.Create(
            services.GetRequiredService<IOptions<EventStoreOptions>>().Value,
            services.GetRequiredService<TimeProvider>()));

        builder.Services.AddSingleton<EventStoreStatus>();
        builder.Services.AddHostedService<EventStoreInitializer>();
        return builder;
    }
}
