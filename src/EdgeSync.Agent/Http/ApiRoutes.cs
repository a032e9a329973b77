using System.Security.Cryptography;
using System.Text;
using EdgeSync.Agent.Changes;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeSync.Agent.Http;

/// <summary>Maps the HTTP API (SPEC §7) and turns every failure into a JSON error answer.</summary>
public static class ApiRoutes
{
    public static void Map(WebApplication app)
    {
        var kv = app.Services.GetRequiredService<KvEndpoints>();
        var list = app.Services.GetRequiredService<ListEndpoint>();
        var status = app.Services.GetRequiredService<StatusEndpoints>();
        var config = app.Services.GetRequiredService<AgentConfig>();
        var metrics = app.Services.GetRequiredService<AgentMetrics>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeSync.Http");

        RequestDelegate Guard(Func<HttpContext, Task> handler, bool open = false) => async ctx =>
        {
            try
            {
                if (!open && config.Api.Token is { } token && !Authorized(ctx, token))
                {
                    throw new ApiException(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "This agent needs 'Authorization: Bearer <Api:Token>'.");
                }

                await handler(ctx);
            }
            catch (ApiException e)
            {
                metrics.Error(e.Code);
                await JsonOut.ErrorAsync(ctx, e.Status, e.Code, e.Message);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                metrics.Error(ErrorCodes.RequestTooLarge);
                await JsonOut.ErrorAsync(ctx, e.StatusCode, ErrorCodes.RequestTooLarge, $"The request body is larger than Api:MaxRequestBytes ({config.Api.MaxRequestBytes}).");
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nobody is left to answer.
            }
            catch (Exception e) when (!ctx.Response.HasStarted)
            {
                log.LogError(e, "Request {Method} {Path} failed", ctx.Request.Method, ctx.Request.Path);
                metrics.Error(ErrorCodes.Internal);
                await JsonOut.ErrorAsync(ctx, StatusCodes.Status500InternalServerError, ErrorCodes.Internal, "The agent failed to answer this request; see its log.");
            }
        };

        // Answers the routing itself gives (405 for a method a path does not take) get a JSON body too.
        app.UseStatusCodePages(async sc =>
        {
            var ctx = sc.HttpContext;
            var (code, message) = ctx.Response.StatusCode == StatusCodes.Status405MethodNotAllowed
                ? (ErrorCodes.MethodNotAllowed, $"{ctx.Request.Method} is not allowed on {ctx.Request.Path}.")
                : (ErrorCodes.BadRequest, $"The request was refused ({ctx.Response.StatusCode}).");
            metrics.Error(code);
            await JsonOut.ErrorAsync(ctx, ctx.Response.StatusCode, code, message);
        });

        app.MapPut("/v1/kv/{**key}", Guard(kv.PutAsync));
        app.MapGet("/v1/kv/{**key}", Guard(kv.GetAsync));
        app.MapDelete("/v1/kv/{**key}", Guard(kv.DeleteAsync));
        app.MapGet("/v1/kv", Guard(list.ListAsync));
        app.MapPost("/v1/batch", Guard(app.Services.GetRequiredService<BatchEndpoint>().PostAsync));
        var backup = app.Services.GetRequiredService<BackupEndpoints>();
        app.MapGet("/v1/export", Guard(backup.ExportAsync));
        app.MapPost("/v1/import", Guard(backup.ImportAsync));
        app.MapGet("/v1/changes", Guard(app.Services.GetRequiredService<ChangesEndpoint>().StreamAsync));
        app.MapGet("/v1/status", Guard(status.StatusAsync));
        app.MapGet("/v1/leader", Guard(status.LeaderAsync));
        app.MapGet("/metrics", Guard(status.MetricsAsync));
        app.MapGet("/healthz", Guard(StatusEndpoints.HealthAsync, open: true));

        // Anything else: a JSON 404/405 rather than an empty body.
        app.MapFallback(Guard(ctx => throw new ApiException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No such endpoint: {ctx.Request.Method} {ctx.Request.Path}."), open: true));
    }

    private static bool Authorized(HttpContext ctx, string token)
    {
        var header = (string?)ctx.Request.Headers.Authorization ?? string.Empty;
        var expected = Encoding.UTF8.GetBytes("Bearer " + token);
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), expected);
    }
}
