using KpiPipeline.Testing;

namespace KpiPipeline.Cli.Tests;

/// <summary><c>kpi process</c> into an output folder an earlier run wrote: the folder ends up holding exactly this run's output.</summary>
public sealed class OutputFolderReuseTests
{
    private const string Providers = "provider_code,provider_name,area_code\nPROV1,Provider One,A1\nPROV2,Provider Two,A1\n";
    private const string Areas = "area_code,area_name,nation,estimated_opiate_users,estimated_pwid\nA1,Area One,ENGLAND,1000,300\n";
    private const string Header =
        "provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance,treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status\n";

    [Fact]
    public async Task Stale_periods_scorecards_and_reports_are_removed_after_a_correction()
    {
        var reference = RepoPaths.NewTempFolder("reuse-reference");
        await File.WriteAllTextAsync(Path.Combine(reference, "providers.csv"), Providers);
        await File.WriteAllTextAsync(Path.Combine(reference, "areas.csv"), Areas);

        // First: the earliest referral is in June 2023 (2023-24-Q1), and PROV2 sent files, one for October 2023 (so scorecards
        // start at 2023-24-Q3).
        var first = RepoPaths.NewTempFolder("reuse-first");
        Write(first, "PROV1/2024-03/episodes.csv", Header +
            "PROV1,EP1,J,S,1980-05-17,M,2024-01-10,GP,HEROIN,2024-01-20,SPECIALIST,METHADONE,60,MAINTENANCE,Y,,,\n" +
            "PROV1,EP3,K,L,1975-12-01,X,2023-06-01,SELF,CRACK,2023-06-15,OUTREACH,NONE,,ABSTINENCE,N,,,\n");
        Write(first, "PROV2/2023-10/episodes.csv", Header + "PROV2,EP9,A,B,1970-01-01,F,2023-09-01,GP,HEROIN,,,,,,,,,\n");
        Write(first, "PROV2/2024-03/nsp.csv", "bad file\n");

        // Then the correction: EP3's referral was really in 2024, so the earliest quarter is now 2023-24-Q4; PROV2's files are
        // withdrawn, so scorecards start at 2023-24-Q4 too.
        var corrected = RepoPaths.NewTempFolder("reuse-corrected");
        Write(corrected, "PROV1/2024-03/episodes.csv", Header +
            "PROV1,EP1,J,S,1980-05-17,M,2024-01-10,GP,HEROIN,2024-01-20,SPECIALIST,METHADONE,60,MAINTENANCE,Y,,,\n" +
            "PROV1,EP3,K,L,1975-12-01,X,2024-02-01,SELF,CRACK,2024-02-15,OUTREACH,NONE,,ABSTINENCE,N,,,\n");

        var reused = RepoPaths.NewTempFolder("reuse-out");
        Assert.Equal(0, await ProcessCommand.RunAsync(first, reference, reused, "2024-04-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        Assert.True(Directory.Exists(Path.Combine(reused, "restricted", "kpi_results", "period=2023-24-Q1")));
        Assert.True(File.Exists(Path.Combine(reused, "public", "scorecards", "period=2023-24-Q3", "national.html")));
        Assert.True(File.Exists(Path.Combine(reused, "reports", "PROV2", "2024-03", "nsp.csv.report.csv")));
        // A temporary file an interrupted publication left behind.
        await File.WriteAllTextAsync(Path.Combine(reused, "public", "kpi_results", "period=2024-25-Q1", ".part-0.parquet.0123.tmp"), "half");

        Assert.Equal(0, await ProcessCommand.RunAsync(corrected, reference, reused, "2024-04-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));
        var fresh = RepoPaths.NewTempFolder("reuse-fresh");
        Assert.Equal(0, await ProcessCommand.RunAsync(corrected, reference, fresh, "2024-04-15", true, TextWriter.Null, TextWriter.Null, CancellationToken.None));

        // The reused folder holds exactly what a run into an empty folder writes, byte for byte, and no folder it left empty.
        Assert.Equal(Tree(fresh), Tree(reused));
        foreach (var file in Directory.EnumerateFiles(fresh, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".html", StringComparison.Ordinal) || f.Contains("reports", StringComparison.Ordinal)))
        {
            Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(reused, Path.GetRelativePath(fresh, file))));
        }

        Assert.False(Directory.Exists(Path.Combine(reused, "restricted", "kpi_results", "period=2023-24-Q1")));
        Assert.False(Directory.Exists(Path.Combine(reused, "reports", "PROV2")));
        Assert.False(Directory.Exists(Path.Combine(reused, "public", "scorecards", "period=2023-24-Q3")));
        Assert.True(File.Exists(Path.Combine(reused, "public", "scorecards", "period=2023-24-Q4", "national.html")));
        Assert.Contains("restricted/kpi_results/period=2023-24-Q4/part-0.parquet", Tree(reused));
    }

    private static void Write(string root, string blobName, string content)
    {
        var path = Path.Combine(root, blobName.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Every file and folder under <paramref name="root"/>, relative, sorted.</summary>
    private static List<string> Tree(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
}
