using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace EdgeSync.Agent.Config;

/// <summary>
/// Reads one configuration section by hand so that every problem names its key (the stock
/// binder throws on the first bad value and ignores typos). Keys are case-insensitive, as in
/// Microsoft.Extensions.Configuration; keys nobody asked for are reported by <see cref="RejectUnknown"/>.
/// </summary>
public sealed class SectionReader(IConfigurationSection section, List<string> errors)
{
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    public string Path => section.Path;

    public string KeyOf(string name) => $"{section.Path}:{name}";

    public string? OptionalString(string name)
    {
        var value = Scalar(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public string String(string name, string fallback) => OptionalString(name) ?? fallback;

    public int Int(string name, int fallback)
    {
        var text = Scalar(name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{KeyOf(name)} must be a whole number (got '{text}')");
        return fallback;
    }

    public long Long(string name, long fallback)
    {
        var text = Scalar(name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{KeyOf(name)} must be a whole number (got '{text}')");
        return fallback;
    }

    public bool Bool(string name, bool fallback)
    {
        var text = Scalar(name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{KeyOf(name)} must be true or false (got '{text}')");
        return fallback;
    }

    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = Scalar(name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (DurationText.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{KeyOf(name)} must be {DurationText.Hint} (got '{text}')");
        return fallback;
    }

    /// <summary>A JSON array, indexed env vars (<c>__0</c>, <c>__1</c>) or one comma-separated string.</summary>
    public IReadOnlyList<string>? List(string name)
    {
        _known.Add(name);
        var child = section.GetSection(name);
        if (child.Value is { } scalar)
        {
            return [.. scalar.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var items = child.GetChildren().ToList();
        if (items.Count == 0)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var item in items.OrderBy(i => int.TryParse(i.Key, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue))
        {
            if (!int.TryParse(item.Key, CultureInfo.InvariantCulture, out _) || item.Value is null)
            {
                errors.Add($"{KeyOf(name)} must be a list of strings");
                return null;
            }

            result.Add(item.Value.Trim());
        }

        return result;
    }

    /// <summary>A JSON object of string values, e.g. prefix → policy.</summary>
    public IReadOnlyDictionary<string, string> Map(string name)
    {
        _known.Add(name);
        var child = section.GetSection(name);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (child.Value is { Length: > 0 })
        {
            errors.Add($"{KeyOf(name)} must be an object");
            return result;
        }

        foreach (var item in child.GetChildren())
        {
            if (item.Value is null)
            {
                errors.Add($"{KeyOf(name)}:{item.Key} must be a string");
                continue;
            }

            result[item.Key] = item.Value;
        }

        return result;
    }

    /// <summary>A nested object of this section, read (and checked for typos) by the caller.</summary>
    public SectionReader Child(string name)
    {
        _known.Add(name);
        return new SectionReader(section.GetSection(name), errors);
    }

    /// <summary>Report keys in this section that no reader asked for: almost always a typo.</summary>
    public void RejectUnknown()
    {
        if (section.Value is { Length: > 0 })
        {
            errors.Add($"{section.Path} must be an object (got '{section.Value}')");
            return;
        }

        foreach (var child in section.GetChildren())
        {
            if (!_known.Contains(child.Key))
            {
                errors.Add($"{section.Path}:{child.Key} is not a known setting (known: {string.Join(", ", _known.Order(StringComparer.Ordinal))})");
            }
        }
    }

    private string? Scalar(string name)
    {
        _known.Add(name);
        var child = section.GetSection(name);
        if (child.Value is null && child.GetChildren().Any())
        {
            errors.Add($"{KeyOf(name)} must be a single value, not an object or list");
            return null;
        }

        return child.Value?.Trim();
    }
}
