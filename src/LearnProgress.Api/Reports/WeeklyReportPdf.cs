using System.Globalization;
using LearnProgress.Core.Analytics;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace LearnProgress.Api.Reports;

/// <summary>
/// The weekly report as a PDF: the same figures as its JSON, written with invariant numbers and ISO dates, the chart
/// drawn as bars, every text a real text run (so it can be searched and extracted). Fonts come from the assembly, so
/// no system font or GDI is needed.
/// </summary>
public static class WeeklyReportPdf
{
    private const double Margin = 50;
    private const double PageWidth = 595;   // A4 in points
    private const double PageHeight = 842;

    private static readonly XColor Bar = XColor.FromArgb(0x2f, 0x6f, 0xb3);

    static WeeklyReportPdf() => EmbeddedFonts.Install();

    public static byte[] Render(WeeklyReport report)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"Weekly report {Iso(report.Week)}";
        document.Info.Subject = $"Learning from {Iso(report.Week)} to {Iso(report.WeekEnd)}";
        var writer = new PageWriter(document);

        writer.Line($"Weekly report: {Iso(report.Week)} to {Iso(report.WeekEnd)}", writer.Title);
        writer.Line($"Time zone: {report.TimeZone}", writer.Small);
        writer.Gap(8);

        writer.Line("Summary", writer.Heading);
        var s = report.Summary;
        writer.Line($"Time: {Number(s.Minutes)} minutes");
        writer.Line($"Active days: {s.ActiveDays}");
        writer.Line($"Lectures completed: {s.LecturesCompleted}");
        writer.Line($"Streak: {s.Streak} days");
        writer.Gap(8);

        writer.Line("Minutes by day", writer.Heading);
        writer.Chart(report.Chart);
        writer.Gap(8);

        writer.Line("Achievements earned", writer.Heading);
        if (report.Achievements.Count == 0) writer.Line("None this week.");
        foreach (var a in report.Achievements) writer.Paragraph($"{a.Title} ({Iso(a.Day)})");
        writer.Gap(8);

        writer.Line("Improvements", writer.Heading);
        if (report.Improvements.Count == 0) writer.Line("None this week.");
        foreach (var c in report.Improvements) writer.Paragraph(c.Text);
        writer.Gap(8);

        writer.Line("Challenges", writer.Heading);
        if (report.Challenges.Count == 0) writer.Line("None this week.");
        foreach (var c in report.Challenges) writer.Paragraph(c.Text);
        writer.Gap(8);

        writer.Line("Next steps", writer.Heading);
        if (report.NextSteps.Count == 0) writer.Line("Pick a course to start.");
        foreach (var step in report.NextSteps)
            writer.Paragraph(step.EstimatedDate is { } date ? $"{step.Reason} Estimated: {Iso(date)}." : step.Reason);
        writer.Gap(8);

        writer.Line("Goals for next week", writer.Heading);
        writer.Line($"Active days: {report.Goals.ActiveDays}");
        writer.Line($"Time: {Number(report.Goals.Minutes)} minutes");
        writer.Line($"Lectures completed: {report.Goals.LecturesCompleted}");

        writer.Dispose();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(double value) => WeeklyReports.Number(value);

    /// <summary>Writes lines top to bottom, starting a new page when one is full.</summary>
    private sealed class PageWriter(PdfDocument document) : IDisposable
    {
        public readonly XFont Title = new(EmbeddedFonts.Family, 18, XFontStyleEx.Bold);
        public readonly XFont Heading = new(EmbeddedFonts.Family, 13, XFontStyleEx.Bold);
        public readonly XFont Body = new(EmbeddedFonts.Family, 10.5, XFontStyleEx.Regular);
        public readonly XFont Small = new(EmbeddedFonts.Family, 8.5, XFontStyleEx.Regular);

        private XGraphics? _graphics;
        private double _y;

        private XGraphics Graphics(double height)
        {
            if (_graphics is null || _y + height > PageHeight - Margin)
            {
                _graphics?.Dispose();
                var page = document.AddPage();
                page.Width = XUnit.FromPoint(PageWidth);
                page.Height = XUnit.FromPoint(PageHeight);
                _graphics = XGraphics.FromPdfPage(page);
                _y = Margin;
            }
            return _graphics;
        }

        public void Gap(double points) => _y += points;

        public void Line(string text, XFont? font = null)
        {
            font ??= Body;
            var height = font.GetHeight() * 1.25;
            var graphics = Graphics(height);
            graphics.DrawString(text, font, XBrushes.Black, new XRect(Margin, _y, PageWidth - 2 * Margin, height), XStringFormats.TopLeft);
            _y += height;
        }

        /// <summary>A bulleted text wrapped at word boundaries to the page's width.</summary>
        public void Paragraph(string text)
        {
            var width = PageWidth - 2 * Margin - 12;
            var measure = Graphics(Body.GetHeight());
            var line = "";
            var first = true;
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && measure.MeasureString(candidate, Body).Width > width)
                {
                    Line((first ? "\u2022 " : "   ") + line);
                    first = false;
                    line = word;
                }
                else line = candidate;
            }
            if (line.Length > 0) Line((first ? "\u2022 " : "   ") + line);
        }

        /// <summary>One bar per day, its minutes above it and its weekday and date below.</summary>
        public void Chart(IReadOnlyList<ReportDay> days)
        {
            const double plotHeight = 140;
            var labelHeight = Small.GetHeight() * 1.2;
            var graphics = Graphics(plotHeight + 4 * labelHeight);
            var top = _y + labelHeight;
            var baseline = top + plotHeight;
            var slot = (PageWidth - 2 * Margin) / days.Count;
            var max = Math.Max(1, days.Max(d => d.Minutes));
            graphics.DrawLine(XPens.Gray, Margin, baseline, PageWidth - Margin, baseline);
            for (var i = 0; i < days.Count; i++)
            {
                var day = days[i];
                var x = Margin + i * slot;
                var height = plotHeight * day.Minutes / max;
                if (height > 0) graphics.DrawRectangle(new XSolidBrush(Bar), x + slot * 0.2, baseline - height, slot * 0.6, height);
                var value = new XRect(x, baseline - height - labelHeight, slot, labelHeight);
                graphics.DrawString(Number(day.Minutes), Small, XBrushes.Black, value, XStringFormats.Center);
                graphics.DrawString(day.Weekday[..3], Small, XBrushes.Black, new XRect(x, baseline + 2, slot, labelHeight), XStringFormats.Center);
                graphics.DrawString(Iso(day.Date), Small, XBrushes.Gray, new XRect(x, baseline + 2 + labelHeight, slot, labelHeight), XStringFormats.Center);
            }
            _y = baseline + 3 * labelHeight;
        }

        public void Dispose() => _graphics?.Dispose();
    }
}

/// <summary>DejaVu Sans (regular and bold), embedded in the assembly, as the only font the reports use.</summary>
public sealed class EmbeddedFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly EmbeddedFonts Instance = new();
    private static readonly Lock Gate = new();

    /// <summary>PDFsharp takes one resolver per process, always the same instance.</summary>
    public static void Install()
    {
        lock (Gate)
            if (GlobalFontSettings.FontResolver is null) GlobalFontSettings.FontResolver = Instance;
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Every family asked for is answered with DejaVu Sans; italic is slanted by PDFsharp.
        new(bold ? Bold : Regular, false, italic);

    public byte[]? GetFont(string faceName)
    {
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream($"fonts/{faceName}.ttf");
        if (stream is null) return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
