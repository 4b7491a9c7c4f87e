using KpiPipeline.Core.Dataset;
using KpiPipeline.Pipeline.State;
using KpiPipeline.Pipeline.Storage;

namespace KpiPipeline.Testing;

/// <summary>Accepted files as the ingest leaves them, written straight to storage (for tests of what reads them).</summary>
public static class AcceptedFiles
{
    /// <summary>An open episode of P1 on methadone (60.50 mg: the dose keeps its two decimal places).</summary>
    public static CuratedEpisode OpenEpisode { get; } = new(
        "P1", "E1", "client-1", 40, Sex.F, new DateOnly(2025, 3, 3), ReferralSource.GP, Substance.HEROIN, new DateOnly(2025, 3, 10),
        TreatmentSetting.SPECIALIST, Medication.METHADONE, 60.50m, TreatmentGoal.MAINTENANCE, true, null, null, RecordStatus.ACTIVE);

    /// <summary>
    /// An accepted episodes file: its curated copy, the accepted-returns index pointing at it, and the upload listed for
    /// its provider's state; uploaded on the first day of the month after.
    /// </summary>
    public static async Task AcceptEpisodesAsync(PipelineStorage storage, string provider, string month, string uploadId, params CuratedEpisode[] rows)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!ReportingMonth.TryParse(month, out var reportingMonth))
        {
            throw new ArgumentException($"'{month}' is not a reporting month.", nameof(month));
        }

        var path = new ReturnPath(provider, reportingMonth, ReturnFileKind.Episodes);
        var curated = CuratedReturns.BlobNameOf(path, uploadId);
        using (var content = new MemoryStream())
        {
            CuratedCsv.WriteEpisodes(content, rows);
            content.Position = 0;
            await storage.Curated.GetBlobClient(curated).UploadAsync(content);
        }

        var uploadedAt = new DateTimeOffset(reportingMonth.Next.FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await new AcceptedReturnsIndex(storage.AcceptedReturns).CommitAsync(
            new AcceptedVersion(path, uploadId, uploadedAt, curated, rows.Length), isCurrentBlob: true, CancellationToken.None);
        await new ProviderUploads(storage.ProviderUploads).RecordAsync(
            new ProviderUpload(path.BlobName, path, uploadId, uploadedAt, Accepted: true), CancellationToken.None);
    }
}
