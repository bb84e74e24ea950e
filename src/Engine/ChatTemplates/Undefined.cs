namespace Serving.Engine.ChatTemplates;

/// <summary>Jinja's undefined value: a missing variable, key or attribute. Prints as empty, iterates as empty, is falsy.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new(null);

    public Undefined(string? name)
    {
        Name = name;
    }

    /// <summary>What was looked up, for error messages.</summary>
    public string? Name { get; }

    public ChatTemplateException Error(string action) =>
        new(Name is null ? $"cannot {action} an undefined value" : $"'{Name}' is undefined (cannot {action} it)");
}
