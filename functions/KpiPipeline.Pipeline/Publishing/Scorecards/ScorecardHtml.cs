using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using KpiPipeline.Kpis;
using KpiPipeline.Kpis.Catalogue;

namespace KpiPipeline.Pipeline.Publishing.Scorecards;

/// <summary>
/// Renders a quarter's scorecard as one self-contained HTML page (inline CSS and SVG, no script, no web font, no link out)
/// from one period's published rows and the dimension-all values of up to seven earlier quarters. Every figure shown is a
/// published value, numerator or denominator; the only arithmetic is the change on the previous quarter (the difference
/// of two published values). The same rows give the same bytes, so unchanged pages are recognised by their content.
/// </summary>
public static class ScorecardHtml
{
    public const int TrendQuarters = 8;

    private const int Width = 104;
    private const int Height = 28;
    private const int Pad = 3;

    /// <summary>Characters encoded at a time when a page is written out.</summary>
    private const int ChunkChars = 16 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The restricted page of one area: the area, its providers side by side, and the national (ALL) figure.</summary>
    public static string AreaPage(ScorecardRows current, IReadOnlyList<QuarterPoints> earlier, string areaCode, ScorecardNames names, ScorecardContext? context = null)
    {
        using var page = new MemoryStream();
        WriteAreaPage(page, current, earlier, areaCode, names, context);
        return Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length);
    }

    /// <summary>The public national page: the ALL figure, each nation side by side, and every area's ratings at a glance.</summary>
    public static string NationalPage(ScorecardRows current, IReadOnlyList<QuarterPoints> earlier, ScorecardNames names, ScorecardContext? context = null)
    {
        using var page = new MemoryStream();
        WriteNationalPage(page, current, earlier, names, context);
        return Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length);
    }

    /// <summary>
    /// Writes <see cref="AreaPage"/> to <paramref name="output"/> as UTF-8 (no BOM), without making it a string first.
    /// <paramref name="earlier"/> holds only quarters with returns (the quarters before them are reconstructed from later
    /// returns and not comparable); <paramref name="context"/> says when the returns begin and which targets are in force.
    /// </summary>
    public static void WriteAreaPage(
        Stream output, ScorecardRows current, IReadOnlyList<QuarterPoints> earlier, string areaCode, ScorecardNames names, ScorecardContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(names);
        var areaName = names.Area(areaCode);
        var label = areaName is null ? areaCode : $"{areaName} ({areaCode})";
        var providers = current.ProvidersOf(areaCode)
            .Select(p => new Column(KpiVocabulary.LevelProvider, p, p, names.Provider(p)))
            .ToList();
        var page = new Page(
            Restricted: true,
            Heading: label,
            MainHeading: areaName ?? areaCode,
            Main: new Column(KpiVocabulary.LevelArea, areaCode, areaCode, areaName),
            Columns: providers,
            ColumnsLabel: "providers",
            ShowNational: true,
            Source: ScorecardPaths.RestrictedPrefix.Replace("scorecards", "kpi_results", StringComparison.Ordinal));
        new Writer(current, earlier, page, names, context ?? ScorecardContext.None).WriteTo(output);
    }

    /// <summary>Writes <see cref="NationalPage"/> to <paramref name="output"/> as UTF-8 (no BOM), as <see cref="WriteAreaPage"/> does.</summary>
    public static void WriteNationalPage(
        Stream output, ScorecardRows current, IReadOnlyList<QuarterPoints> earlier, ScorecardNames names, ScorecardContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(names);
        var nations = current.Nations
            .Select(n => new Column(KpiVocabulary.LevelNation, n, ScorecardFormat.DimensionValue(n), null))
            .ToList();
        var page = new Page(
            Restricted: false,
            Heading: "All areas",
            MainHeading: "All areas",
            Main: new Column(KpiVocabulary.LevelAll, KpiVocabulary.UnitAll, "All areas", null),
            Columns: nations,
            ColumnsLabel: "nations",
            ShowNational: false,
            Source: ScorecardPaths.PublicPrefix.Replace("scorecards", "kpi_results", StringComparison.Ordinal));
        new Writer(current, earlier, page, names, context ?? ScorecardContext.None).WriteTo(output);
    }

    /// <summary>The opening of each KPI's line (its title and definition), the same on every page.</summary>
    private static readonly Dictionary<string, string> MeasureCells = KpiCatalogue.All.ToDictionary(k => k.Id, MeasureCell, StringComparer.Ordinal);

    private static string MeasureCell(KpiDefinition kpi)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        return $"<tr id=\"k-{E(kpi.Id)}\" data-kpi=\"{E(kpi.Id)}\">\n<th scope=\"row\" class=\"measure\"><details><summary title=\"{E(kpi.Definition)}\">" +
               $"{E(kpi.Title)}</summary><p>{E(kpi.Definition)}</p><p class=\"id\"><code>{E(kpi.Id)}</code> · {kpi.Unit.Code()} · " +
               $"{E(ScorecardFormat.Polarity(kpi.Polarity))}</p></details></th>\n";
    }

    private sealed record Column(string Level, string Code, string Label, string? Name);

    private sealed record Page(
        bool Restricted, string Heading, string MainHeading, Column Main, IReadOnlyList<Column> Columns, string ColumnsLabel,
        bool ShowNational, string Source);

    private sealed class Writer(ScorecardRows rows, IReadOnlyList<QuarterPoints> earlier, Page page, ScorecardNames names, ScorecardContext context)
    {
        private static readonly Column National = new(KpiVocabulary.LevelAll, KpiVocabulary.UnitAll, "All areas", null);
        /// <summary>
        /// One page's text (about 130,000 characters at national size) is built in this thread's builder, kept from page to
        /// page, and encoded chunk by chunk into the output: a page no longer costs a new builder, a string and a byte array.
        /// </summary>
        [ThreadStatic]
        private static StringBuilder? pageText;

        private readonly StringBuilder html = TakePageText();
        private readonly Dictionary<Column, UnitRows?> unitRows = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Column, TrendPoint[]?[]> unitPoints = new(ReferenceEqualityComparer.Instance);
        private readonly IReadOnlyList<QuarterPoints> earlier = earlier.Count > TrendQuarters - 1 ? earlier.Skip(earlier.Count - (TrendQuarters - 1)).ToList() : earlier;

        /// <summary>The quarter holds the as-of date: its counts of what happens in a quarter cover part of it.</summary>
        private readonly bool inProgress = rows.AsOf < rows.PeriodEnd;

        /// <summary>The returns begin after this quarter's first day: it holds only what they show.</summary>
        private readonly bool partlyCovered = context.FirstReturnDay is { } first && first > rows.PeriodStart && first <= rows.PeriodEnd;

        /// <summary>Renders the page and writes it to <paramref name="output"/> as UTF-8 (the bytes of <c>Encoding.UTF8.GetBytes</c> of its text).</summary>
        public void WriteTo(Stream output)
        {
            try
            {
                Render();
                var encoder = Utf8.GetEncoder();
                var bytes = ArrayPool<byte>.Shared.Rent(Utf8.GetMaxByteCount(ChunkChars));
                try
                {
                    foreach (var chunk in html.GetChunks())
                    {
                        for (var text = chunk.Span; !text.IsEmpty;)
                        {
                            var part = text[..Math.Min(text.Length, ChunkChars)];
                            encoder.Convert(part, bytes, flush: false, out var charsUsed, out var bytesUsed, out _);
                            output.Write(bytes, 0, bytesUsed);
                            text = text[charsUsed..];
                        }
                    }

                    encoder.Convert([], bytes, flush: true, out _, out var lastBytes, out _);
                    output.Write(bytes, 0, lastBytes);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                }
            }
            finally
            {
                html.Clear();
                pageText = html;
            }
        }

        private static StringBuilder TakePageText()
        {
            var builder = pageText ?? new StringBuilder(160 * 1024);
            pageText = null;
            return builder;
        }

        private void Render()
        {
            var quarter = ScorecardFormat.Quarter(rows.Period);
            var audience = page.Restricted
                ? "Restricted: for commissioners and providers (every figure unsuppressed)"
                : "Public: after disclosure control (counts of 1 to 7 suppressed, and any count from which one could be worked out; other counts rounded to 5)";
            html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .Append("<title>").Append(E($"{page.Heading}: KPI scorecard {quarter}")).Append("</title>\n<style>")
                .Append(Css).Append("</style>\n</head>\n<body>\n<header>\n")
                .Append("<p class=\"audience ").Append(page.Restricted ? "restricted" : "public").Append("\">").Append(E(audience)).Append("</p>\n")
                .Append("<h1>").Append(E(page.Heading)).Append(": KPI scorecard ").Append(E(quarter)).Append("</h1>\n")
                .Append("<p class=\"period\">").Append(E($"{ScorecardFormat.Date(rows.PeriodStart)} to {ScorecardFormat.Date(rows.PeriodEnd)}"));

            // The as-of date only where a figure can still change with it: a page of final figures stays byte for byte the
            // same from run to run, and is not rewritten, unless its figures change.
            var provisional = KpiCatalogue.All.Any(k => Row(page.Main, k.Id)?.Status == KpiVocabulary.StatusProvisional);
            html.Append(inProgress ? " · quarter in progress: returns to " + E(ScorecardFormat.Date(rows.AsOf))
                : provisional ? " · provisional figures as of " + E(ScorecardFormat.Date(rows.AsOf)) : " · every figure final");
            if (page.Columns.Count > 0)
            {
                html.Append(" · ").Append(page.Columns.Count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(page.ColumnsLabel)
                    .Append(" side by side");
            }

            html.Append("</p>\n</header>\n<main>\n");
            CoverageBanner();
            DataQualityBanner();
            AtAGlance();
            HowToRead();
            foreach (var group in ScorecardGroups.All)
            {
                Group(group);
            }

            if (!page.Restricted)
            {
                AreasAtAGlance();
            }

            html.Append("</main>\n<footer>\n<p>Every figure on this page is a row of the published dataset <code>")
                .Append(E($"{page.Source}/period={rows.Period}")).Append("</code> (and the same dataset's seven earlier quarters for the trends). ")
                .Append("Nothing is recomputed: the change on the previous quarter is the difference of two published values.</p>\n")
                .Append("<p>Definitions are the KPI catalogue's (<code>kpi_catalogue.parquet</code>). Ratings follow the published rating and its basis.</p>\n")
                .Append("</footer>\n</body>\n</html>\n");
        }

        private KpiResult? Row(Column unit, string kpiId, string dimension = KpiVocabulary.DimensionAll, string value = KpiVocabulary.DimensionValueAll) =>
            dimension == KpiVocabulary.DimensionAll && ScorecardRows.Slot(kpiId) is >= 0 and var slot
                ? UnitOf(unit)?.All[slot]
                : rows.Find(unit.Level, unit.Code, kpiId, dimension, value);

        /// <summary>A unit's rows, found once per page.</summary>
        private UnitRows? UnitOf(Column unit)
        {
            if (!unitRows.TryGetValue(unit, out var found))
            {
                unitRows[unit] = found = rows.UnitOf(unit.Level, unit.Code);
            }

            return found;
        }

        private KpiResult? NationalRow(string kpiId, string dimension = KpiVocabulary.DimensionAll, string value = KpiVocabulary.DimensionValueAll) =>
            Row(National, kpiId, dimension, value);

        /// <summary>The unit's point of a KPI in earlier quarter <paramref name="quarter"/> (an index into <c>earlier</c>).</summary>
        private TrendPoint PointOf(Column unit, string kpiId, int quarter)
        {
            if (!unitPoints.TryGetValue(unit, out var quarters))
            {
                unitPoints[unit] = quarters = [.. earlier.Select(q => q.PointsOf(unit.Level, unit.Code))];
            }

            return quarters[quarter] is { } points && ScorecardRows.Slot(kpiId) is >= 0 and var slot ? points[slot] : default;
        }

        /// <summary>What a quarter the returns cover in part (the first, or the one in progress) holds, and what it cannot be compared with.</summary>
        private void CoverageBanner()
        {
            if (!inProgress && !partlyCovered)
            {
                return;
            }

            html.Append("<section class=\"dq\" aria-labelledby=\"coverage\">\n<h2 id=\"coverage\">")
                .Append(inProgress ? "This quarter is not over" : "The returns begin in this quarter").Append("</h2>\n<ul>\n");
            if (partlyCovered)
            {
                html.Append("<li>").Append(E($"The returns begin with {context.FirstReturnDay!.Value.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}: this quarter " +
                    "holds only what they show, so episodes that ended earlier in the quarter are missing from it.")).Append("</li>\n");
            }

            if (inProgress)
            {
                html.Append("<li>").Append(E($"Its figures are those of the returns to {ScorecardFormat.Date(rows.AsOf)}: counts of what happens in a " +
                    "quarter (starts, exits, presentations, needle and syringe activity) cover part of it, and ratings can change by its end.")).Append("</li>\n");
            }

            html.Append("<li>No change on last quarter is shown: ")
                .Append(inProgress ? "part of a quarter is not comparable with a whole one." : "the quarters before the returns are reconstructed from them and not comparable.")
                .Append("</li>\n</ul>\n</section>\n");
        }

        private void DataQualityBanner()
        {
            var items = new List<string>();
            var onTime = Row(page.Main, KpiIds.Dq01);
            if (onTime is { Value: { } share } && share < 100)
            {
                var late = page.Columns.Select(c => (c, Row(c, KpiIds.Dq01))).Where(x => x.Item2 is { Value: < 100 })
                    .Select(x => $"{x.c.Label} {ScorecardFormat.Value(KpiCatalogue.Get(KpiIds.Dq01), x.Item2!.Value!.Value)}").ToList();
                items.Add($"Returns on time: {Shown(onTime)} of the monthly returns due were first uploaded by the 15th of the following month and accepted" +
                          (late.Count > 0 ? $" (late or missing at {string.Join(", ", late)})" : string.Empty) + ".");
            }

            AddCountIssue(items, KpiIds.Dq02, "upload for a month of this quarter was rejected", "uploads for months of this quarter were rejected");
            AddCountIssue(items, KpiIds.Dq03, "open episode went missing from a monthly episodes file", "open episodes went missing from monthly episodes files");
            if (items.Count == 0)
            {
                return;
            }

            html.Append("<section class=\"dq\" aria-labelledby=\"dq\">\n<h2 id=\"dq\">Data quality: read this quarter with care</h2>\n<ul>\n");
            foreach (var item in items)
            {
                html.Append("<li>").Append(item).Append("</li>\n");
            }

            html.Append("</ul>\n<p>Late, rejected or incomplete returns can make a figure look better or worse than the service was.</p>\n</section>\n");
        }

        /// <summary>A banner line for a count KPI (DQ02, DQ03) above 0, or suppressed on a public page; HTML.</summary>
        private void AddCountIssue(List<string> items, string kpiId, string one, string many)
        {
            var row = Row(page.Main, kpiId);
            if (row is null)
            {
                return;
            }

            if (row.Suppressed)
            {
                items.Add(E($"Some {many} (the count is suppressed: between 1 and 7, or withheld so that such a count cannot be worked out)."));
                return;
            }

            if (row.Numerator is not > 0)
            {
                return;
            }

            var byUnit = page.Columns.Select(c => (c, Row(c, kpiId))).Where(x => x.Item2 is { Numerator: > 0 })
                .Select(x => $"{E(x.c.Label)} <span class=\"count\">{ScorecardFormat.Count(x.Item2!.Numerator!.Value)}</span>").ToList();
            items.Add($"<span class=\"count\">{ScorecardFormat.Count(row.Numerator.Value)}</span> {E(row.Numerator == 1 ? one : many)}" +
                      (byUnit.Count > 0 ? $" ({string.Join(", ", byUnit)})" : string.Empty) + ".");
        }

        private void AtAGlance()
        {
            var rated = new List<(KpiDefinition Kpi, KpiResult Row)>();
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var provisional = 0;
            foreach (var kpi in KpiCatalogue.All)
            {
                if (Row(page.Main, kpi.Id) is not { } row)
                {
                    continue;
                }

                counts[row.Rag] = counts.GetValueOrDefault(row.Rag) + 1;
                provisional += row.Status == KpiVocabulary.StatusProvisional ? 1 : 0;
                if (row.Rag is KpiVocabulary.RagRed or KpiVocabulary.RagAmber)
                {
                    rated.Add((kpi, row));
                }
            }

            html.Append("<section class=\"glance\" aria-labelledby=\"glance\">\n<h2 id=\"glance\">At a glance</h2>\n<p class=\"tally\">")
                .Append(E(page.MainHeading)).Append(": ");
            foreach (var rag in new[] { KpiVocabulary.RagRed, KpiVocabulary.RagAmber, KpiVocabulary.RagGreen })
            {
                html.Append(Badge(rag)).Append(' ').Append(counts.GetValueOrDefault(rag).ToString(CultureInfo.InvariantCulture)).Append(" · ");
            }

            html.Append(counts.GetValueOrDefault(KpiVocabulary.RagNone).ToString(CultureInfo.InvariantCulture))
                .Append(" measures not rated (context, no data")
                .Append(page.Restricted ? string.Empty : " or suppressed").Append(')');
            if (provisional > 0)
            {
                html.Append(" · ").Append(provisional.ToString(CultureInfo.InvariantCulture)).Append(" provisional");
            }

            html.Append("</p>\n");
            if (rated.Count > 0)
            {
                html.Append("<ul class=\"flags\">\n");
                foreach (var (kpi, row) in rated.OrderBy(r => r.Row.Rag == KpiVocabulary.RagRed ? 0 : 1))
                {
                    html.Append("<li>").Append(Badge(row.Rag)).Append(" <a href=\"#k-").Append(E(kpi.Id)).Append("\">").Append(E(kpi.Title))
                        .Append("</a>: ").Append(E(ShownText(kpi, row)))
                        .Append(row.Status == KpiVocabulary.StatusProvisional ? " <span class=\"prov\">provisional</span>" : string.Empty).Append("</li>\n");
                }

                html.Append("</ul>\n");
            }

            if (page.Columns.Count > 0)
            {
                // In a scroll box like every other table: a provider red on many measures makes the table wider than a phone.
                html.Append("<div class=\"scroll\">\n<table class=\"units\">\n<caption>Ratings of the ").Append(E(page.ColumnsLabel)).Append(" this quarter</caption>\n")
                    .Append("<thead><tr><th scope=\"col\">").Append(E(page.ColumnsLabel[..1].ToUpperInvariant() + page.ColumnsLabel[1..]))
                    .Append("</th><th scope=\"col\">Red</th><th scope=\"col\">Amber</th><th scope=\"col\">Green</th><th scope=\"col\">Red on</th></tr></thead>\n<tbody>\n");
                foreach (var column in page.Columns)
                {
                    var unitRows = KpiCatalogue.All.Select(k => (k, Row(column, k.Id))).Where(x => x.Item2 is not null).ToList();
                    var reds = unitRows.Where(x => x.Item2!.Rag == KpiVocabulary.RagRed).Select(x => E(x.k.Title)).ToList();
                    html.Append("<tr><th scope=\"row\">").Append(UnitHeading(column)).Append("</th>");
                    foreach (var rag in new[] { KpiVocabulary.RagRed, KpiVocabulary.RagAmber, KpiVocabulary.RagGreen })
                    {
                        html.Append("<td>").Append(unitRows.Count(x => x.Item2!.Rag == rag).ToString(CultureInfo.InvariantCulture)).Append("</td>");
                    }

                    html.Append("<td>").Append(reds.Count > 0 ? string.Join(", ", reds) : "none").Append("</td></tr>\n");
                }

                html.Append("</tbody>\n</table>\n</div>\n");
            }

            html.Append("</section>\n");
        }

        private void HowToRead() => html.Append("<details class=\"howto\">\n<summary>How to read this page</summary>\n<ul>\n")
            .Append("<li><strong>Rating</strong>: ").Append(Badge(KpiVocabulary.RagGreen)).Append(" meets the target or the national benchmark, ")
            .Append(Badge(KpiVocabulary.RagAmber)).Append(" within the amber margin, ").Append(Badge(KpiVocabulary.RagRed))
            .Append(" outside it. The shape says the same as the colour. Context measures are not rated: read them beside the rated ones.</li>\n")
            .Append("<li><strong>Target or basis</strong>: the commissioner's target in force, or the national benchmark (successful completions and re-presentations), or context.</li>\n")
            .Append(page.ShowNational ? "<li><strong>All areas</strong>: every area of every nation in the returns together, the national benchmark; not the figure of this area's nation alone.</li>\n" : string.Empty)
            .Append("<li><strong>Change on last quarter</strong>: ↑ up, ↓ down, = no change; <em>better</em> or <em>worse</em> where the measure has a better direction.</li>\n")
            .Append("<li><strong>Last 8 quarters</strong>: a line of the published values, oldest on the left, this quarter as a dot; gaps are quarters with no value.</li>\n")
            .Append("<li><strong>Provisional</strong>: the measure's follow-up window has not closed yet; the figure can still change.</li>\n")
            .Append("<li><strong>Suppressed</strong>: a count of 1 to 7 is withheld on public pages, never shown as 0; so is, where needed, another count (of its breakdown, of its nation's areas, or of another measure publishing the same people), so that the small one cannot be worked out from the rest: a suppressed count can be large.</li>\n")
            .Append("<li>Select a measure's name for its definition, and a breakdown line to see the measure by substance group, treatment goal, sex or age band.</li>\n")
            .Append("</ul>\n</details>\n");

        private void Group(ScorecardGroup group)
        {
            var columnCount = 6 + (page.ShowNational ? 1 : 0) + page.Columns.Count;
            html.Append("<section class=\"group\" aria-labelledby=\"g-").Append(group.Id).Append("\">\n<h2 id=\"g-").Append(group.Id).Append("\">")
                .Append(E(group.Title)).Append("</h2>\n<div class=\"scroll\">\n<table class=\"kpis\">\n<caption>").Append(E(group.Title))
                .Append(": ").Append(E(page.MainHeading)).Append(", ").Append(E(ScorecardFormat.Quarter(rows.Period))).Append("</caption>\n<thead><tr>")
                .Append("<th scope=\"col\">Measure</th><th scope=\"col\">").Append(E(page.MainHeading)).Append("</th><th scope=\"col\">Rating</th>")
                .Append("<th scope=\"col\">Target or basis</th>");
            if (page.ShowNational)
            {
                html.Append("<th scope=\"col\">All areas</th>");
            }

            html.Append("<th scope=\"col\">Change on last quarter</th><th scope=\"col\">Last 8 quarters</th>");
            foreach (var column in page.Columns)
            {
                html.Append("<th scope=\"col\" class=\"unit\">").Append(UnitHeading(column)).Append("</th>");
            }

            html.Append("</tr></thead>\n<tbody>\n");
            foreach (var kpi in group.Kpis)
            {
                KpiLine(kpi, columnCount);
            }

            html.Append("</tbody>\n</table>\n</div>\n</section>\n");
        }

        private void KpiLine(KpiDefinition kpi, int columnCount)
        {
            var main = Row(page.Main, kpi.Id);
            html.Append(MeasureCells.TryGetValue(kpi.Id, out var measure) ? measure : MeasureCell(kpi));
            Cell(kpi, page.Main, main, "main");
            html.Append("<td class=\"rating\">").Append(main is null ? string.Empty : Badge(main.Rag)).Append("</td>\n")
                .Append("<td class=\"basis\">").Append(main is null ? string.Empty : E(Basis(kpi, main, AmberFrom(kpi, main)))).Append("</td>\n");
            if (page.ShowNational)
            {
                Cell(kpi, National, NationalRow(kpi.Id), "national");
            }

            html.Append("<td class=\"change\">");
            AppendChange(kpi, page.Main, main, shortForm: false);
            html.Append("</td>\n<td class=\"trend\">");
            AppendSparkline(kpi, page.Main, main);
            html.Append("</td>\n");
            foreach (var column in page.Columns)
            {
                var row = Row(column, kpi.Id);
                Cell(kpi, column, row, "unit", withRating: true);
            }

            html.Append("</tr>\n");
            var breakdowns = rows.BreakdownsOf(kpi.Id);
            var slot = ScorecardRows.Slot(kpi.Id);
            for (var from = 0; from < breakdowns.Count;)
            {
                var to = from + 1;
                while (to < breakdowns.Count && breakdowns[to].Dimension == breakdowns[from].Dimension)
                {
                    to++;
                }

                Breakdown(kpi, slot, breakdowns, from, to, columnCount);
                from = to;
            }
        }

        /// <summary>One dimension of a KPI's breakdowns, folded: its values at positions [from, to) of the KPI's breakdowns.</summary>
        private void Breakdown(KpiDefinition kpi, int slot, IReadOnlyList<(string Dimension, string Value)> breakdowns, int from, int to, int columnCount)
        {
            var dimension = breakdowns[from].Dimension;
            html.Append("<tr class=\"breakdown\"><td colspan=\"").Append(columnCount.ToString(CultureInfo.InvariantCulture)).Append("\"><details>")
                .Append("<summary>").Append(E(kpi.Title)).Append(" by ").Append(E(ScorecardFormat.Dimension(dimension))).Append("</summary>\n")
                .Append("<table class=\"kpis\">\n<caption>").Append(E($"{kpi.Title} by {ScorecardFormat.Dimension(dimension)}: {page.MainHeading}"))
                .Append("</caption>\n<thead><tr><th scope=\"col\">").Append(E(ScorecardFormat.DimensionValue(dimension))).Append("</th><th scope=\"col\">")
                .Append(E(page.MainHeading)).Append("</th><th scope=\"col\">Rating</th>");
            if (page.ShowNational)
            {
                html.Append("<th scope=\"col\">All areas</th>");
            }

            foreach (var column in page.Columns)
            {
                html.Append("<th scope=\"col\" class=\"unit\">").Append(UnitHeading(column)).Append("</th>");
            }

            html.Append("</tr></thead>\n<tbody>\n");
            for (var position = from; position < to; position++)
            {
                var value = breakdowns[position].Value;
                var main = UnitOf(page.Main)?.Breakdown(slot, position);
                html.Append("<tr data-kpi=\"").Append(E(kpi.Id)).Append("\" data-dimension=\"").Append(E(dimension)).Append("\" data-dimension-value=\"")
                    .Append(E(value)).Append("\"><th scope=\"row\">").Append(E(ScorecardFormat.DimensionValue(value))).Append("</th>\n");
                Cell(kpi, page.Main, main, "main");
                html.Append("<td class=\"rating\">").Append(main is null ? string.Empty : Badge(main.Rag)).Append("</td>\n");
                if (page.ShowNational)
                {
                    Cell(kpi, National, UnitOf(National)?.Breakdown(slot, position), "national");
                }

                foreach (var column in page.Columns)
                {
                    Cell(kpi, column, UnitOf(column)?.Breakdown(slot, position), "unit", withRating: true);
                }

                html.Append("</tr>\n");
            }

            html.Append("</tbody>\n</table>\n</details></td></tr>\n");
        }

        /// <summary>A value cell: the value (or suppressed / no data), its numerator and denominator, provisional; for a column, rating and change too.</summary>
        private void Cell(KpiDefinition kpi, Column unit, KpiResult? row, string kind, bool withRating = false)
        {
            html.Append("<td class=\"").Append(kind).Append("\" data-unit=\"").Append(E(unit.Code)).Append("\">");
            if (row is null)
            {
                html.Append("<span class=\"value none\">not published</span></td>\n");
                return;
            }

            if (row.Suppressed)
            {
                html.Append("<span class=\"value supp\">suppressed</span>");
            }
            else if (row.Value is { } value)
            {
                // A value is digits, a point, a comma and a unit: nothing to encode.
                html.Append("<span class=\"value").Append(kpi.Unit == KpiUnit.Count ? " count" : string.Empty).Append("\">");
                ScorecardFormat.AppendValue(html, kpi, value).Append("</span>");
            }
            else
            {
                html.Append("<span class=\"value none\">no data</span>");
            }

            if (withRating && row.Rag != KpiVocabulary.RagNone)
            {
                html.Append(' ').Append(Badge(row.Rag));
            }

            AppendFigures(kpi, row);
            if (row.Status == KpiVocabulary.StatusProvisional)
            {
                html.Append(" <span class=\"prov\">provisional</span>");
            }

            if (withRating && row.Dimension == KpiVocabulary.DimensionAll)
            {
                var before = html.Length;
                html.Append(" <span class=\"chg-s\">");
                if (AppendChange(kpi, unit, row, shortForm: true))
                {
                    html.Append("</span>");
                }
                else
                {
                    html.Length = before;
                }
            }

            html.Append("</td>\n");
        }

        /// <summary>
        /// The counts behind a value: "45 of 62" for a percent, "n = 30" for a mean or median, "85 people" for a ratio with no
        /// count below the line (CAP01: its caseload; the FTE it divides by is not published); POP01 "597 in treatment of 1,020
        /// estimated" (its value is the share not in treatment) and NSP04 "15,768 needles in the quarter for 459 estimated
        /// people who inject" (its value scales the quarter to a year).
        /// </summary>
        private void AppendFigures(KpiDefinition kpi, KpiResult row)
        {
            // POP01's value is the share NOT in treatment and NSP04's is scaled to a year, so "n of d" or "n per d" would
            // read as the value's own parts: each says what its counts are.
            if (kpi.Id is KpiIds.Pop01 or KpiIds.Nsp04 && row.Numerator is { } counted && row.Denominator is { } estimate)
            {
                ScorecardFormat.AppendCount(html.Append(" <span class=\"nd\"><span class=\"count\">"), counted)
                    .Append(kpi.Id == KpiIds.Pop01 ? "</span> in treatment of <span class=\"count\">" : "</span> needles in the quarter for <span class=\"count\">");
                ScorecardFormat.AppendCount(html, estimate).Append(kpi.Id == KpiIds.Pop01 ? "</span> estimated</span>" : "</span> estimated people who inject</span>");
                return;
            }

            switch (kpi.Unit)
            {
                case KpiUnit.Percent or KpiUnit.Ratio when row.Numerator is { } n && row.Denominator is { } d:
                    ScorecardFormat.AppendCount(html.Append(" <span class=\"nd\"><span class=\"count\">"), n)
                        .Append(kpi.Unit == KpiUnit.Percent ? "</span> of <span class=\"count\">" : "</span> per <span class=\"count\">");
                    ScorecardFormat.AppendCount(html, d).Append("</span></span>");
                    break;
                case KpiUnit.Ratio when row.Numerator is { } people:
                    ScorecardFormat.AppendCount(html.Append(" <span class=\"nd\"><span class=\"count\">"), people).Append("</span> people</span>");
                    break;
                case KpiUnit.Days or KpiUnit.Score when row.Denominator is { } count:
                    ScorecardFormat.AppendCount(html.Append(" <span class=\"nd\">n = <span class=\"count\">"), count).Append("</span></span>");
                    break;
            }
        }

        /// <summary>
        /// Where amber begins for the page's main unit under a target, from the targets in force (an area's own amber
        /// margin is not a column of the rows): the target less the margin, or plus it for a lower-is-better KPI; null
        /// when the targets are not known or their target is not the row's.
        /// </summary>
        private double? AmberFrom(KpiDefinition kpi, KpiResult row)
        {
            var area = page.Main.Level == KpiVocabulary.LevelArea ? page.Main.Code : null;
            return row is { RagBasis: KpiVocabulary.BasisTarget, Target: { } shown } && context.Targets?.For(kpi, area) is { } inForce &&
                   (double)inForce.Target == shown
                ? (double)(kpi.Polarity == KpiPolarity.LowerIsBetter ? inForce.Target + inForce.AmberMargin : inForce.Target - inForce.AmberMargin)
                : null;
        }

        private static string Basis(KpiDefinition kpi, KpiResult row, double? amberFrom) => row.RagBasis switch
        {
            KpiVocabulary.BasisTarget when row.Target is { } target =>
                $"Target {(kpi.Polarity == KpiPolarity.LowerIsBetter ? "≤" : "≥")} {ScorecardFormat.Value(kpi, target)}" +
                (amberFrom is { } amber ? $", amber {(kpi.Polarity == KpiPolarity.LowerIsBetter ? "≤" : "≥")} {ScorecardFormat.Value(kpi, amber)}" : string.Empty),
            KpiVocabulary.BasisNationalBenchmark when row.Level == KpiVocabulary.LevelAll => "National benchmark (this figure)",
            KpiVocabulary.BasisNationalBenchmark => $"National benchmark: all areas ({ScorecardFormat.Polarity(kpi.Polarity)})",
            _ when kpi.Polarity != KpiPolarity.None => $"Context ({ScorecardFormat.Polarity(kpi.Polarity)})",
            _ => "Context",
        };

        /// <summary>
        /// Appends the value of the same row in the previous quarter, against this one, as HTML; false when nothing was
        /// appended (this quarter has no value, or in the short form last quarter has none, or this quarter is in progress or
        /// the first with returns, which the long form says). The text of a change is words,
        /// numbers (nothing to encode) and a quarter (<see cref="AppendQuarter"/>).
        /// </summary>
        private bool AppendChange(KpiDefinition kpi, Column unit, KpiResult? row, bool shortForm)
        {
            if (row?.Value is not { } now)
            {
                return false;
            }

            if (inProgress || earlier.Count == 0)
            {
                if (!shortForm)
                {
                    html.Append(inProgress ? "<span class=\"chg none\">quarter in progress</span>" : "<span class=\"chg none\">first quarter of returns</span>");
                }

                return !shortForm;
            }

            var previousQuarter = earlier.Count > 0 ? earlier[^1] : null;
            var point = previousQuarter is null ? default : PointOf(unit, kpi.Id, earlier.Count - 1);
            if (previousQuarter is null || point.Value is not { } before)
            {
                if (shortForm)
                {
                    return false;
                }

                html.Append(point.Suppressed ? "<span class=\"chg none\">last quarter suppressed</span>" : "<span class=\"chg none\">no figure last quarter</span>");
                return true;
            }

            var difference = Math.Round(now - before, ScorecardFormat.Decimals(kpi), MidpointRounding.AwayFromZero);
            if (difference == 0)
            {
                html.Append(shortForm ? "<span class=\"chg same\" title=\"no change on last quarter\">=</span>" : "<span class=\"chg same\">= no change</span>");
                return true;
            }

            var up = difference > 0;
            var judgement = kpi.Polarity switch
            {
                KpiPolarity.HigherIsBetter => up ? "better" : "worse",
                KpiPolarity.LowerIsBetter => up ? "worse" : "better",
                _ => null,
            };
            var arrow = up ? "↑" : "↓";
            html.Append("<span class=\"chg ").Append(judgement ?? "neutral");
            if (shortForm)
            {
                html.Append("\" title=\"");
                AppendChangeText(kpi, up, difference, previousQuarter.Period);
                html.Append("\">").Append(arrow);
                if (judgement is not null)
                {
                    html.Append(' ').Append(judgement);
                }
            }
            else
            {
                html.Append("\"><span aria-hidden=\"true\">").Append(arrow).Append("</span> ");
                AppendChangeText(kpi, up, difference, previousQuarter.Period);
                if (judgement is not null)
                {
                    html.Append(", <em>").Append(judgement).Append("</em>");
                }
            }

            html.Append("</span>");
            return true;
        }

        /// <summary>
        /// A quarter as shown (<see cref="ScorecardFormat.Quarter"/>), HTML-encoded like every text of the page. A period label
        /// (<c>2025-26-Q1</c>) never needs encoding, so it is appended as it is, without a string on the way.
        /// </summary>
        private StringBuilder AppendQuarter(string period) =>
            period.AsSpan().ContainsAnyExcept(PlainText) ? html.Append(E(ScorecardFormat.Quarter(period))) : ScorecardFormat.AppendQuarter(html, period);

        /// <summary>Characters HTML encoding leaves as they are.</summary>
        private static readonly SearchValues<char> PlainText =
            SearchValues.Create(" -.,_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

        /// <summary><c>up 2.1 points on 2025-26 Q1</c>.</summary>
        private void AppendChangeText(KpiDefinition kpi, bool up, double difference, string previousPeriod)
        {
            ScorecardFormat.AppendChangeSize(html.Append(up ? "up " : "down "), kpi, difference).Append(" on ");
            AppendQuarter(previousPeriod);
        }

        /// <summary>
        /// Appends an inline SVG line of this unit's published values over the last eight quarters, with a text equivalent
        /// (values, which need no encoding, and quarters, <see cref="AppendQuarter"/>).
        /// </summary>
        private void AppendSparkline(KpiDefinition kpi, Column unit, KpiResult? row)
        {
            var count = earlier.Count + 1;
            Span<double> values = stackalloc double[count];
            html.Append("<svg class=\"spark\" width=\"104\" height=\"28\" viewBox=\"0 0 104 28\" role=\"img\"><title>");
            if (count == 1)
            {
                html.Append("The first quarter of returns: ");
            }
            else
            {
                html.Append("Last ").Append(count).Append(" quarters: ");
            }

            double min = double.MaxValue, max = double.MinValue;
            for (var i = 0; i < count; i++)
            {
                var (period, point) = i < earlier.Count
                    ? (earlier[i].Period, PointOf(unit, kpi.Id, i))
                    : (rows.Period, new TrendPoint(row?.Value, row?.Suppressed ?? false));
                values[i] = point.Value ?? double.NaN;
                if (i > 0)
                {
                    html.Append("; ");
                }

                AppendQuarter(period).Append(' ');
                if (point.Value is { } v)
                {
                    ScorecardFormat.AppendValue(html, kpi, v);
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
                else
                {
                    html.Append(point.Suppressed ? "suppressed" : "no data");
                }
            }

            html.Append("</title>");
            if (min <= max)
            {
                html.Append("<line x1=\"3\" x2=\"101\" y1=\"27\" y2=\"27\" class=\"base\"/>");
                var offset = TrendQuarters - count;
                var pathStarted = false;
                for (var i = 0; i < count; i++)
                {
                    if (!double.IsNaN(values[i]) && Joined(values, i))
                    {
                        var (x, y) = SparkPoint(values, i, offset, min, max);
                        html.Append(pathStarted ? " " : "<path d=\"").Append(i > 0 && !double.IsNaN(values[i - 1]) ? 'L' : 'M').Append(x).Append(',').Append(y);
                        pathStarted = true;
                    }
                }

                if (pathStarted)
                {
                    html.Append("\"/>");
                }

                for (var i = 0; i < count; i++)
                {
                    if (!double.IsNaN(values[i]) && (i == count - 1 || !Joined(values, i)))
                    {
                        var (x, y) = SparkPoint(values, i, offset, min, max);
                        html.Append("<circle cx=\"").Append(x).Append("\" cy=\"").Append(y).Append(i == count - 1 ? "\" r=\"2.5\"/>" : "\" r=\"1.5\"/>");
                    }
                }
            }

            html.Append("</svg>");
        }

        /// <summary>Whether the value at <paramref name="i"/> has a value beside it, so the line passes through it.</summary>
        private static bool Joined(ReadOnlySpan<double> values, int i) =>
            (i > 0 && !double.IsNaN(values[i - 1])) || (i < values.Length - 1 && !double.IsNaN(values[i + 1]));

        private static (int X, int Y) SparkPoint(ReadOnlySpan<double> values, int i, int offset, double min, double max) =>
            (Pad + ((offset + i) * (Width - (2 * Pad)) / (TrendQuarters - 1)),
             max == min ? Height / 2 : (int)Math.Round(Height - Pad - ((values[i] - min) * (Height - (2 * Pad)) / (max - min))));

        private void AreasAtAGlance()
        {
            html.Append("<section class=\"group\" aria-labelledby=\"areas\">\n<h2 id=\"areas\">Areas at a glance</h2>\n<div class=\"scroll\">\n")
                .Append("<table class=\"units\">\n<caption>Ratings of each area this quarter (public figures)</caption>\n<thead><tr>")
                .Append("<th scope=\"col\">Area</th><th scope=\"col\">Red</th><th scope=\"col\">Amber</th><th scope=\"col\">Green</th>")
                .Append("<th scope=\"col\">Suppressed</th><th scope=\"col\">Red on</th></tr></thead>\n<tbody>\n");
            foreach (var area in rows.Areas)
            {
                var unit = new Column(KpiVocabulary.LevelArea, area, area, names.Area(area));
                var unitRows = KpiCatalogue.All.Select(k => (k, Row(unit, k.Id))).Where(x => x.Item2 is not null).ToList();
                html.Append("<tr data-unit=\"").Append(E(area)).Append("\"><th scope=\"row\">").Append(UnitHeading(unit)).Append("</th>");
                foreach (var rag in new[] { KpiVocabulary.RagRed, KpiVocabulary.RagAmber, KpiVocabulary.RagGreen })
                {
                    html.Append("<td>").Append(unitRows.Count(x => x.Item2!.Rag == rag).ToString(CultureInfo.InvariantCulture)).Append("</td>");
                }

                var reds = unitRows.Where(x => x.Item2!.Rag == KpiVocabulary.RagRed).Select(x => E(x.k.Title)).ToList();
                html.Append("<td>").Append(unitRows.Count(x => x.Item2!.Suppressed).ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                    .Append(reds.Count > 0 ? string.Join(", ", reds) : "none").Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n</div>\n</section>\n");
        }

        private static string UnitHeading(Column column) => column.Name is null
            ? E(column.Label)
            : $"{E(column.Name)} <span class=\"code\">{E(column.Code)}</span>";

        private static string Shown(KpiResult row) =>
            row.Value is { } v ? E(ScorecardFormat.Value(KpiCatalogue.Get(row.KpiId), v)) : "no data";

        private static string ShownText(KpiDefinition kpi, KpiResult row) =>
            (row.Value is { } v ? ScorecardFormat.Value(kpi, v) : "no data") + (row.Target is { } t ? $" (target {ScorecardFormat.Value(kpi, t)})" : string.Empty);

        /// <summary>A rating as shown; the four of the vocabulary made once.</summary>
        private static string Badge(string rag) => rag switch
        {
            KpiVocabulary.RagGreen => GreenBadge,
            KpiVocabulary.RagAmber => AmberBadge,
            KpiVocabulary.RagRed => RedBadge,
            KpiVocabulary.RagNone => NoneBadge,
            _ => BadgeOf(rag),
        };

        private static readonly string GreenBadge = BadgeOf(KpiVocabulary.RagGreen);
        private static readonly string AmberBadge = BadgeOf(KpiVocabulary.RagAmber);
        private static readonly string RedBadge = BadgeOf(KpiVocabulary.RagRed);
        private static readonly string NoneBadge = BadgeOf(KpiVocabulary.RagNone);

        private static string BadgeOf(string rag) =>
            $"<span class=\"rag {rag}\"><span aria-hidden=\"true\">{ScorecardFormat.Shape(rag)}</span> {ScorecardFormat.Rating(rag)}</span>";

        private static string E(string text) => WebUtility.HtmlEncode(text);
    }

    private const string Css = """

        :root{--green:#1b7a3a;--amber:#a35c00;--red:#b3261e;--ink:#1d1d1f;--muted:#5b5b66;--line:#d6d6de;--band:#f4f4f8}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1400px;padding:1rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:#fff}
        h1{font-size:1.6rem;margin:.2rem 0}
        h2{font-size:1.2rem;margin:1.6rem 0 .5rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
        .audience{display:inline-block;margin:0;padding:.1rem .5rem;border-radius:.3rem;font-size:.85rem;font-weight:600}
        .audience.restricted{background:#fde8e7;color:#7a1a14}
        .audience.public{background:#e6f0fb;color:#0b4f8a}
        .period{color:var(--muted);margin:.2rem 0 1rem}
        .dq{border:2px solid var(--amber);background:#fff6e8;border-radius:.4rem;padding:.2rem 1rem;margin:1rem 0}
        .dq h2{border:0;margin:.5rem 0 .2rem;font-size:1.1rem}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%}
        caption{text-align:left;font-size:.85rem;color:var(--muted);padding:.2rem 0}
        th,td{border-bottom:1px solid var(--line);padding:.35rem .45rem;text-align:left;vertical-align:top}
        thead th{background:var(--band);font-size:.85rem;white-space:nowrap}
        table.kpis th.measure{min-width:12rem;max-width:18rem;font-weight:600}
        table.kpis td{white-space:nowrap}
        table.kpis td.basis{white-space:normal;min-width:8rem;font-size:.9rem}
        summary{cursor:pointer}
        .measure details p{font-weight:400;font-size:.85rem;margin:.3rem 0;white-space:normal}
        .id{color:var(--muted)}
        .code{color:var(--muted);font-weight:400;font-size:.8rem}
        .value{font-weight:700;font-variant-numeric:tabular-nums}
        .value.none,.value.supp{font-weight:400;font-style:italic;color:var(--muted)}
        .nd{display:block;font-size:.8rem;color:var(--muted)}
        .prov{display:inline-block;font-size:.75rem;border:1px dashed var(--muted);border-radius:.2rem;padding:0 .25rem}
        .rag{font-weight:600;white-space:nowrap}
        .rag.green{color:var(--green)}.rag.amber{color:var(--amber)}.rag.red{color:var(--red)}.rag.none{color:var(--muted);font-weight:400}
        .chg.better{color:var(--green)}.chg.worse{color:var(--red)}.chg.none,.chg.same,.chg.neutral{color:var(--muted)}
        .chg-s{display:block;font-size:.8rem}
        .spark path{fill:none;stroke:#3b4a8c;stroke-width:1.6}
        .spark circle{fill:#3b4a8c}.spark .base{stroke:var(--line)}
        tr.breakdown>td{padding:.1rem .45rem .4rem;background:#fbfbfd}
        tr.breakdown summary{font-size:.85rem;color:#3b4a8c}
        tr.breakdown table{margin:.3rem 0 .4rem;width:auto}
        .flags{padding-left:1.2rem}
        table.units{width:auto;min-width:50%}
        .howto{margin:1rem 0;padding:.4rem .8rem;background:var(--band);border-radius:.4rem}
        footer{margin-top:2rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
        @media (max-width:700px){body{padding:.5rem;font-size:14px}h1{font-size:1.3rem}table.kpis th.measure{min-width:9rem;position:sticky;left:0;background:#fff;z-index:1}}
        @media print{body{max-width:none;font-size:10pt;padding:0}.scroll{overflow:visible}details::details-content{content-visibility:visible;display:contents}
        tr{break-inside:avoid}section.group{break-inside:auto}h2{break-after:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}

        """;
}
