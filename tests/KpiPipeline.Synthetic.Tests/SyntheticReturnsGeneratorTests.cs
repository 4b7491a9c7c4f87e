using System.Security.Cryptography;
using KpiPipeline.Core.Dataset;
using KpiPipeline.Synthetic.Output;
using KpiPipeline.Testing;

namespace KpiPipeline.Synthetic.Tests;

public sealed class SyntheticReturnsGeneratorTests(DemoReturns demo) : IClassFixture<DemoReturns>
{
    private static readonly SyntheticOptions Small = SyntheticOptions.Demo with { PeoplePerProvider = 60, Months = 4 };

    [Fact]
    public void Same_seed_gives_byte_identical_files()
    {
        var again = new SyntheticReturnsGenerator(SyntheticOptions.Demo).EnumerateFiles().ToList();

        Assert.Equal(demo.Files.Select(f => f.BlobName), again.Select(f => f.BlobName));
        Assert.All(demo.Files.Zip(again), pair => Assert.Equal(pair.First.Content, pair.Second.Content));
    }

    [Fact]
    public void Different_seed_gives_different_returns()
    {
        var other = new SyntheticReturnsGenerator(SyntheticOptions.Demo with { Seed = 7 }).EnumerateFiles().ToList();

        var episodesA = demo.Files.First(f => f.BlobName.EndsWith("episodes.csv", StringComparison.Ordinal));
        var episodesB = other.First(f => f.BlobName == episodesA.BlobName);
        Assert.NotEqual(episodesA.Content, episodesB.Content);
    }

    [Fact]
    public void Writing_to_folders_in_parallel_gives_the_same_bytes_as_enumerating()
    {
        var folder = RepoPaths.NewTempFolder("synthetic-write");
        var options = Small with { MaxDegreeOfParallelism = 2 };
        var summary = new SyntheticReturnsGenerator(options).WriteTo(Path.Combine(folder, "returns"), Path.Combine(folder, "reference"));
        var enumerated = new SyntheticReturnsGenerator(options).EnumerateFiles().ToList();

        Assert.Equal(enumerated.Count, summary.Files);
        Assert.Equal(enumerated.Sum(f => (long)f.Content.Length), summary.Bytes);
        foreach (var file in enumerated)
        {
            var path = Path.Combine(folder, file.Container, file.BlobName.Replace('/', Path.DirectorySeparatorChar));
            Assert.Equal(SHA256.HashData(file.Content), SHA256.HashData(File.ReadAllBytes(path)));
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Files_sit_at_provider_month_paths_with_the_exact_dataset_headers()
    {
        var options = SyntheticOptions.Demo;
        var providers = demo.Generator.Reference.Providers.Select(p => p.ProviderCode).ToHashSet();
        var returns = demo.Files.Where(f => f.Container == SyntheticFile.ReturnsContainer).ToList();

        // Episodes, reviews and nsp every provider-month; workforce.csv (optional) in most of them.
        var byKind = returns.GroupBy(f => ReturnPath.TryParse(f.BlobName, out var p, out var problem) ? p!.Kind : throw new InvalidOperationException(problem))
            .ToDictionary(g => g.Key, g => g.Count());
        var providerMonths = providers.Count * options.Months;
        Assert.Equal([providerMonths, providerMonths, providerMonths], new[] { ReturnFileKind.Episodes, ReturnFileKind.Reviews, ReturnFileKind.Nsp }.Select(k => byKind[k]));
        Assert.InRange(byKind[ReturnFileKind.Workforce], providerMonths * 3 / 4, providerMonths - 1);
        Assert.Equal(providerMonths * 3 + byKind[ReturnFileKind.Workforce], returns.Count);
        foreach (var file in returns)
        {
            Assert.True(ReturnPath.TryParse(file.BlobName, out var path, out _), file.BlobName);
            Assert.Contains(path!.ProviderCode, providers);
            Assert.True(path.Month >= options.FirstMonth && path.Month <= options.LastMonth);
            var header = FirstLine(file.Content);
            var expected = path.Kind switch
            {
                ReturnFileKind.Episodes => "provider_code,episode_id,first_initial,last_initial,date_of_birth,sex,referral_date,referral_source,primary_substance,treatment_start_date,setting,medication,daily_dose_mg,treatment_goal,naloxone_supplied,exit_date,exit_reason,record_status",
                ReturnFileKind.Reviews => "provider_code,episode_id,review_date,stage,opiate_days,crack_days,cocaine_days,benzodiazepine_days,alcohol_days,injecting_days,shared_equipment,psychological_health,physical_health,quality_of_life,acute_housing_problem,paid_work_days,barc10_score,goals_set,goals_progressed",
                ReturnFileKind.Nsp => "provider_code,outlet_code,outlet_type,transaction_date,registrant_token,new_registration,needles_supplied,used_returned,naloxone_supplied,bbv_test,referred_to_treatment",
                ReturnFileKind.Workforce => "provider_code,staff_headcount,staff_fte,long_term_leave_fte,staff_on_long_term_leave,staff_under_2_years",
                _ => throw new InvalidOperationException(file.BlobName),
            };
            Assert.Equal(expected, header);
            Assert.NotEqual(0xEF, file.Content[0]);
        }

        var reference = demo.Files.Where(f => f.Container == SyntheticFile.ReferenceContainer).ToDictionary(f => f.BlobName, f => FirstLine(f.Content));
        Assert.Equal("provider_code,provider_name,area_code", reference["providers.csv"]);
        Assert.Equal("area_code,area_name,nation,estimated_opiate_users,estimated_pwid", reference["areas.csv"]);
        Assert.Equal("area_code,kpi_id,target,amber_margin", reference["targets.csv"]);
    }

    [Fact]
    public void Reference_has_mostly_english_areas_some_without_estimates_and_a_star_target()
    {
        var national = new SyntheticReturnsGenerator(SyntheticOptions.National with { Months = 1, PeoplePerProvider = 1 });
        var areas = national.Reference.Areas;

        Assert.Equal(150, areas.Count);
        Assert.Equal(600, national.Reference.Providers.Count);
        Assert.InRange(areas.Count(a => a.Nation == Nation.ENGLAND), 110, 140);
        Assert.Contains(areas, a => a.Nation == Nation.SCOTLAND);
        Assert.Contains(areas, a => a.Nation == Nation.WALES);
        Assert.InRange(areas.Count(a => a.EstimatedOpiateUsers is null), 1, 40);
        Assert.InRange(areas.Count(a => a.EstimatedPwid is null), 1, 40);
        Assert.All(national.Reference.Providers, p => Assert.Contains(areas, a => a.AreaCode == p.AreaCode));

        var demoRef = demo.Generator.Reference;
        Assert.Contains(demoRef.Areas, a => a.Nation == Nation.SCOTLAND);
        Assert.Contains(demoRef.Targets, t => t.AreaCode == "*");
        Assert.Contains(demoRef.Areas, a => a.EstimatedOpiateUsers is null);
        Assert.Contains(demoRef.Areas, a => a.EstimatedPwid is null);
    }

    [Fact]
    public void No_date_in_any_file_is_after_the_last_month_end()
    {
        var end = SyntheticOptions.Demo.LastMonth.LastDay;
        foreach (var file in demo.Files.Where(f => f.Container == SyntheticFile.ReturnsContainer))
        {
            foreach (var row in ReturnRulesChecker.Rows(file.Content, out _))
            {
                foreach (var (column, value) in row)
                {
                    if (column.EndsWith("_date", StringComparison.Ordinal) && ReturnRulesChecker.Date(value) is { } date)
                    {
                        Assert.True(date <= end, $"{file.BlobName} {column} {value}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Crlf_option_ends_every_line_with_crlf()
    {
        var file = new SyntheticReturnsGenerator(Small with { CrLf = true }).EnumerateFiles().First(f => f.BlobName.EndsWith("episodes.csv", StringComparison.Ordinal));
        var text = System.Text.Encoding.UTF8.GetString(file.Content);

        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').Length - 1, text.Split("\r\n").Length - 1);
    }

    [Fact]
    public void Injected_defects_are_listed_and_break_exactly_those_files()
    {
        var generator = new SyntheticReturnsGenerator(Small with { InjectedDefects = 3 });
        var broken = new HashSet<string>();
        foreach (var file in generator.EnumerateFiles().Where(f => f.BlobName.EndsWith("episodes.csv", StringComparison.Ordinal)))
        {
            Assert.True(ReturnPath.TryParse(file.BlobName, out var path, out _));
            if (ReturnRulesChecker.CheckEpisodes(path!.ProviderCode, path.Month.LastDay, file.Content).Count > 0)
            {
                broken.Add(file.BlobName);
            }
        }

        Assert.Equal(3, generator.InjectedDefects.Count);
        Assert.Equal(generator.InjectedDefects.Select(d => d.BlobName).ToHashSet(), broken);
        Assert.Equal(["E08", "E13", "E14"], generator.InjectedDefects.Select(d => d.Rule.Id).Order());
        Assert.Empty(demo.Generator.InjectedDefects);
    }

    [Fact]
    public void Rejects_options_that_cannot_produce_valid_returns()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticReturnsGenerator(SyntheticOptions.Demo with { Areas = 4, TotalProviders = 3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticReturnsGenerator(SyntheticOptions.Demo with { Months = 0 }));
    }

    private static string FirstLine(byte[] content)
    {
        var text = System.Text.Encoding.UTF8.GetString(content);
        return text[..text.IndexOf('\n', StringComparison.Ordinal)].TrimEnd('\r');
    }
}
