using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace KpiPipeline.Testing;

/// <summary>
/// The result of a DuckDB query: column names, DuckDB type names and rows as JSON values. The JSON follows DuckDB's own
/// JSON conventions: 64-bit and larger integers and decimals as decimal strings (JSON numbers lose their precision),
/// dates as <c>YYYY-MM-DD</c>, non-finite doubles as <c>"NaN"</c>/<c>"Infinity"</c>/<c>"-Infinity"</c>, lists as arrays.
/// </summary>
public sealed record DuckDbResult(IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<JsonElement> Rows)
{
    public int Count => Rows.Count;

    public JsonElement this[int row, string column] => Rows[row].GetProperty(column);
}

/// <summary>
/// Runs SQL in a real DuckDB outside the project: Node's <c>@duckdb/node-api</c> (installed by scripts/setup.sh from the
/// repository's package.json), the reader analysts use from Node, through <c>duckdb-query-server.mjs</c>, one server per test
/// process. Each query gets a fresh in-memory database; a <see cref="DuckDbSession"/> keeps one across queries.
/// </summary>
public static class DuckDb
{
    private static readonly Lazy<DuckDbServer> Server = new(DuckDbServer.Start);

    public static Task<DuckDbResult> QueryAsync(string sql, CancellationToken cancellationToken = default) =>
        Server.Value.SendAsync(new Dictionary<string, object> { ["sql"] = sql }, cancellationToken);

    /// <summary>Opens an in-memory database that keeps its tables and macros from one query to the next.</summary>
    public static DuckDbSession OpenSession() => new(Server.Value);

    /// <summary>Quotes a path as a DuckDB string literal.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A value of a result as text: a string as it is, null as empty, a number or boolean as its JSON.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };
}

/// <summary>One in-memory DuckDB database of the query server, kept until disposed.</summary>
public sealed class DuckDbSession : IAsyncDisposable
{
    private static int lastId;
    private readonly DuckDbServer server;
    private readonly int id = Interlocked.Increment(ref lastId);

    internal DuckDbSession(DuckDbServer server) => this.server = server;

    /// <summary>Runs one or more statements; the result is the last one's.</summary>
    public Task<DuckDbResult> QueryAsync(string sql, CancellationToken cancellationToken = default) =>
        server.SendAsync(new Dictionary<string, object> { ["session"] = id, ["sql"] = sql }, cancellationToken);

    public async ValueTask DisposeAsync() =>
        await server.SendAsync(new Dictionary<string, object> { ["session"] = id, ["close"] = true }, CancellationToken.None);
}

/// <summary>The Node process running <c>duckdb-query-server.mjs</c>: requests by line on its stdin, answers by id.</summary>
internal sealed class DuckDbServer
{
    private readonly Process process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    private readonly StringBuilder errors = new();
    private readonly Lock writing = new();
    private int lastId;
    private volatile bool ended;

    private DuckDbServer(Process process) => this.process = process;

    public static DuckDbServer Start()
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "KpiPipeline.Testing", "duckdb-query-server.mjs");
        if (!Directory.Exists(Path.Combine(RepoPaths.NodeModules, "@duckdb", "node-api")))
        {
            throw new InvalidOperationException(
                $"@duckdb/node-api is not installed in {RepoPaths.NodeModules}: run scripts/setup.sh (npm ci from package-lock.json).");
        }

        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = RepoPaths.Root,
        };
        var server = new DuckDbServer(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
        server.process.ErrorDataReceived += (_, e) =>
        {
            lock (server.errors)
            {
                server.errors.AppendLine(e.Data);
            }
        };
        server.process.BeginErrorReadLine();
        _ = Task.Run(server.ReadAnswersAsync);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.process.StandardInput.Close();
        return server;
    }

    public async Task<DuckDbResult> SendAsync(Dictionary<string, object> request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var id = Interlocked.Increment(ref lastId);
        request["id"] = id;
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = answer;
        if (ended)
        {
            throw new InvalidOperationException("The DuckDB query server (node) has ended: " + Errors());
        }

        lock (writing)
        {
            process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
            process.StandardInput.Flush();
        }

        var reply = await answer.Task.WaitAsync(cancellationToken);
        if (reply.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("DuckDB: " + error.GetString());
        }

        return reply.TryGetProperty("rows", out var rows)
            ? new DuckDbResult(
                [.. reply.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)],
                [.. reply.GetProperty("types").EnumerateArray().Select(t => t.GetString()!)],
                [.. rows.EnumerateArray()])
            : new DuckDbResult([], [], []);
    }

    private async Task ReadAnswersAsync()
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var reply = JsonDocument.Parse(line).RootElement;
            if (pending.TryRemove(reply.GetProperty("id").GetInt32(), out var answer))
            {
                answer.SetResult(reply);
            }
        }

        await process.WaitForExitAsync();
        ended = true;
        var message = $"The DuckDB query server (node) ended with exit code {process.ExitCode}: {Errors()}";

        foreach (var id in pending.Keys)
        {
            if (pending.TryRemove(id, out var answer))
            {
                answer.SetException(new InvalidOperationException(message));
            }
        }
    }

    private string Errors()
    {
        lock (errors)
        {
            return errors.ToString();
        }
    }
}
