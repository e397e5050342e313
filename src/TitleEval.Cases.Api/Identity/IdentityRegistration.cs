using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TitleEval.Cases.Api.Errors;
using TitleEval.Cases.EventStore;

namespace TitleEval.Cases.Api.Identity;

/// <summary>
/// Authentication (JWT bearer from the configured issuer, or the local issuer on the embedded default) and authorization
/// (<see cref="AccessMatrix"/> per endpoint, <see cref="CaseScope"/> per case). 401 and 403 answer problem details.
/// </summary>
public static class IdentityRegistration
{
    public const string MatrixPolicy = "access-matrix";

    /// <summary>Signature algorithms accepted; "none" is not among them, and unsigned tokens are refused anyway.</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static WebApplicationBuilder AddIdentity(this WebApplicationBuilder builder)
    {
        // Read when first needed, not here: test hosts add their configuration after Program's builder code has run.
        builder.Services.AddSingleton(provider => provider.GetRequiredService<IConfiguration>().GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions());
        builder.Services.AddSingleton(provider => new LocalIssuer(LocalTokens.Resolve(
            provider.GetRequiredService<AuthOptions>(), provider.GetRequiredService<IHostEnvironment>(), provider.GetRequiredService<IConfiguration>())));

        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<AuthOptions, LocalIssuer, ValidatedTokenCache>((options, auth, localIssuer, tokenCache) =>
        {
            var local = localIssuer.Tokens;

            // Keep claim names as issued ("sub", "role", "org"), not mapped to long XML names.
            options.MapInboundClaims = false;

            // Each distinct token is validated once, then served from memory until it expires (see ValidatedTokenCache).
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(tokenCache);

            // Nothing reads the token back from the authentication properties; storing it cost a dictionary per request.
            options.SaveToken = false;
            options.Audience = auth.Audience;
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                options.Authority = auth.Authority;
                options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            }

            var keys = Keys(auth).ToList();
            var issuers = new List<string>();
            if (!string.IsNullOrWhiteSpace(auth.Issuer))
            {
                issuers.Add(auth.Issuer);
            }

            if (local is not null)
            {
                keys.Add(local.Key);
                issuers.Add(local.Issuer);
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuers = issuers.Count > 0 ? issuers : null,
                ValidateAudience = true,
                ValidAudience = auth.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                IssuerSigningKeys = keys,
                ValidAlgorithms = Algorithms,
                ClockSkew = auth.ClockSkew,
                NameClaimType = ClaimNames.Subject,
                RoleClaimType = ClaimNames.Role,
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (!Caller.TryRead(context.Principal!, out var caller, out var problem))
                    {
                        context.Fail(new MissingClaimException(problem!));
                        return Task.CompletedTask;
                    }

                    context.HttpContext.Items[typeof(Caller)] = caller;
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var detail = context.AuthenticateFailure switch
                    {
                        null => "Send a bearer token: Authorization: Bearer <token> (see api-docs/roles.md).",
                        SecurityTokenExpiredException => "The token has expired; get a new one from the identity provider.",
                        MissingClaimException missing => $"The token is not usable: {missing.Message}.",
                        _ => "The token is not valid here (signature, issuer, audience, algorithm or lifetime); get a new one from the identity provider.",
                    };
                    context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
                    await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Authentication required", detail);
                },
                OnForbidden = context => WriteProblemAsync(
                    context.HttpContext,
                    StatusCodes.Status403Forbidden,
                    ProblemTypes.Forbidden,
                    "Not allowed for this role",
                    "你的角色（或合作系统的授权范围）不能执行此操作。 / Your role (or, for a partner system, its scopes) may not do this; api-docs/roles.md lists who may call each endpoint."),
            };
        });

        builder.Services.AddSingleton<IAuthorizationHandler, MatrixHandler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(MatrixPolicy, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new MatrixRequirement()));
        return builder;
    }

    public static WebApplication UseIdentity(this WebApplication app)
    {
        // Resolved now so that a local issuer configured on in Production, or a signing key that cannot be read, stops the
        // start instead of failing every request.
        app.Services.GetRequiredService<LocalIssuer>();
        app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The route group every API endpoint is mapped in: a valid token, a row in the matrix that lets the caller in, and the case scope.</summary>
    public static RouteGroupBuilder MapProtected(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(string.Empty).RequireAuthorization(MatrixPolicy);
        group.AddEndpointFilter(CaseScope.FilterAsync);
        group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    /// <summary>The configured signing keys: symmetric (base64) and public (PEM, RSA or EC).</summary>
    public static IEnumerable<SecurityKey> Keys(AuthOptions auth)
    {
        foreach (var (key, index) in auth.SymmetricKeys.Select((k, i) => (k, i)))
        {
            var bytes = new byte[key.Length];
            if (!Convert.TryFromBase64String(key, bytes, out var length) || length < 32)
            {
                throw new InvalidOperationException($"Auth:SymmetricKeys:{index} must be at least 32 bytes (base64).");
            }

            Array.Resize(ref bytes, length);

            yield return new SymmetricSecurityKey(bytes) { KeyId = $"symmetric-{index}" };
        }

        foreach (var (pem, index) in auth.PublicKeys.Select((k, i) => (k, i)))
        {
            yield return PublicKey(pem, $"public-{index}") ?? throw new InvalidOperationException(
                $"Auth:PublicKeys:{index} is not a PEM RSA or EC public key; give the provider's key as \"-----BEGIN PUBLIC KEY-----\" (SubjectPublicKeyInfo) or \"-----BEGIN RSA PUBLIC KEY-----\".");
        }
    }

    /// <summary>
    /// The PEM's key, tried as EC and then as RSA (each import reads the first block its algorithm knows), or null when
    /// neither reads it — a malformed key, or a label neither knows such as OpenSSL's old "EC PUBLIC KEY".
    /// </summary>
    private static SecurityKey? PublicKey(string pem, string keyId)
    {
        var ecdsa = ECDsa.Create();
        if (TryImport(ecdsa, pem))
        {
            return new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
        }

        ecdsa.Dispose();
        var rsa = RSA.Create();
        if (TryImport(rsa, pem))
        {
            return new RsaSecurityKey(rsa) { KeyId = keyId };
        }

        rsa.Dispose();
        return null;
    }

    private static bool TryImport(AsymmetricAlgorithm key, string pem)
    {
        try
        {
            key.ImportFromPem(pem);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task WriteProblemAsync(HttpContext http, int status, string type, string title, string detail)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail },
        });
    }

    /// <summary>The local issuer, when it is on (<see cref="LocalTokens.Resolve"/>).</summary>
    public sealed record LocalIssuer(LocalTokens? Tokens);

    private sealed class MissingClaimException(string message) : SecurityTokenValidationException(message);

    private sealed class MatrixRequirement : IAuthorizationRequirement;

    /// <summary>Lets the caller in when the endpoint's row in <see cref="AccessMatrix"/> names their role (and, for a partner, a scope it holds).</summary>
    private sealed class MatrixHandler : AuthorizationHandler<MatrixRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MatrixRequirement requirement)
        {
            if (context.Resource is HttpContext http
                && http.GetEndpoint() is RouteEndpoint endpoint
                && Caller.TryRead(context.User, out var caller, out _)
                && AccessMatrix.Find(http.Request.Method, endpoint.RoutePattern.RawText) is { } rule
                && rule.Allows(caller!))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
