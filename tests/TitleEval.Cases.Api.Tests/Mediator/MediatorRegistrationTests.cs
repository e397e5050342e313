using FluentAssertions;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using TitleEval.Cases.Api.Mediator;

namespace TitleEval.Cases.Api.Tests.Mediator;

public sealed class MediatorRegistrationTests
{
    [Fact]
    public async Task Given_a_scanned_assembly_When_a_request_is_sent_Then_its_handler_runs_inside_the_open_generic_behaviour()
    {
        var mediator = Build();

        var answer = await mediator.Send(new Ping("hi"));

        answer.Should().Be("[pong: hi]");
    }

    [Fact]
    public async Task Given_a_void_request_handler_When_its_request_is_sent_Then_it_runs()
    {
        var journal = new Journal();
        var mediator = Build(journal);

        await mediator.Send(new Record("done"));

        journal.Entries.Should().Equal("record: done");
    }

    [Fact]
    public async Task Given_two_notification_handlers_When_a_notification_is_published_Then_both_run()
    {
        var journal = new Journal();
        var mediator = Build(journal);

        await mediator.Publish(new Happened());

        journal.Entries.Should().BeEquivalentTo("first", "second");
    }

    [Fact]
    public void Given_the_api_assembly_When_it_is_scanned_Then_the_readiness_handler_is_registered()
    {
        var services = new ServiceCollection().AddMediator(typeof(Program).Assembly);

        services.Should().Contain(d => d.ServiceType == typeof(IRequestHandler<Api.Health.CheckReadiness.Query, Api.Health.ReadinessReport>)
            && d.ImplementationType == typeof(Api.Health.CheckReadiness.Handler)
            && d.Lifetime == ServiceLifetime.Transient);
    }

    private static IMediator Build(Journal? journal = null) =>
        new ServiceCollection()
            .AddSingleton(journal ?? new Journal())
            .AddMediator(typeof(MediatorRegistrationTests).Assembly)
            .BuildServiceProvider()
            .GetRequiredService<IMediator>();

    public sealed class Journal
    {
        public List<string> Entries { get; } = [];
    }

    public sealed record Ping(string Text) : IRequest<string>;

    public sealed class PingHandler : IRequestHandler<Ping, string>
    {
        public Task<string> Handle(Ping request, CancellationToken cancellationToken) => Task.FromResult($"pong: {request.Text}");
    }

    public sealed record Record(string Text) : IRequest;

    public sealed class RecordHandler(Journal journal) : IRequestHandler<Record>
    {
        public Task<Unit> Handle(Record request, CancellationToken cancellationToken)
        {
            journal.Entries.Add($"record: {request.Text}");
            return Unit.Task;
        }
    }

    public sealed record Happened : INotification;

    public sealed class FirstHandler(Journal journal) : INotificationHandler<Happened>
    {
        public Task Handle(Happened notification, CancellationToken cancellationToken)
        {
            journal.Entries.Add("first");
            return Task.CompletedTask;
        }
    }

    public sealed class SecondHandler(Journal journal) : INotificationHandler<Happened>
    {
        public Task Handle(Happened notification, CancellationToken cancellationToken)
        {
            journal.Entries.Add("second");
            return Task.CompletedTask;
        }
    }

    /// <summary>Wraps string answers in brackets; an open generic, registered as IPipelineBehavior&lt;,&gt;.</summary>
    public sealed class BracketBehaviour<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    {
        public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
        {
            var response = await next();
            return response is string text ? (TResponse)(object)$"[{text}]" : response;
        }
    }
}
