using System.Xml.Linq;

namespace DeepNet.GpuRunner;

/// <summary>
/// Which tests of DeepNet.Tests to run, as NUnit's XML filter: any of the categories, none of the
/// excluded ones, and a full name matching any of the patterns (regular expressions).
/// </summary>
internal sealed record TestSelection(IReadOnlyList<string> Categories, IReadOnlyList<string> ExcludedCategories, IReadOnlyList<string> NamePatterns)
{
    /// <summary>The GPU parity suite: every test of category Gpu.</summary>
    public static TestSelection Gpu { get; } = new(["Gpu"], [], []);

    /// <summary>The filter in the XML form that <c>NUnit.Framework.Internal.TestFilter.FromXml</c> reads.</summary>
    public string ToXml()
    {
        var parts = new List<XElement>();
        if (Categories.Count > 0) parts.Add(AnyOf(Categories.Select(c => new XElement("cat", c))));
        if (ExcludedCategories.Count > 0) parts.Add(new XElement("not", AnyOf(ExcludedCategories.Select(c => new XElement("cat", c)))));
        if (NamePatterns.Count > 0) parts.Add(AnyOf(NamePatterns.Select(p => new XElement("test", new XAttribute("re", "1"), p))));
        var filter = new XElement("filter");
        if (parts.Count == 1) filter.Add(parts[0]);
        else if (parts.Count > 1) filter.Add(new XElement("and", parts));
        return filter.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>How the selection reads in a report.</summary>
    public override string ToString()
    {
        var words = new List<string>();
        if (Categories.Count > 0) words.Add("category " + string.Join(" or ", Categories));
        if (ExcludedCategories.Count > 0) words.Add("not category " + string.Join(" or ", ExcludedCategories));
        if (NamePatterns.Count > 0) words.Add("name ~ " + string.Join(" or ", NamePatterns.Select(p => $"/{p}/")));
        return words.Count == 0 ? "all tests" : string.Join(", ", words);
    }

    private static XElement AnyOf(IEnumerable<XElement> elements)
    {
        var list = elements.ToList();
        return list.Count == 1 ? list[0] : new XElement("or", list);
    }
}
