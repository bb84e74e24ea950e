namespace Serving.Engine.ChatTemplates;

/// <summary>A Python method of a string or dict taken as a value (<c>content.strip</c>), called later with its arguments.</summary>
internal sealed class BoundMethod(object receiver, string name) : PyCallable
{
    public object Receiver { get; } = receiver;

    public override string Name { get; } = name;

    public override object? Invoke(Evaluator evaluator, CallArgs args) => Receiver switch
    {
        string s => StringMethods.Invoke(s, Name, args, evaluator.Limits),
        OrderedDictionary<object, object?> d => DictMethods.Invoke(d, Name, args),
        _ => throw new ChatTemplateException($"'{PyText.TypeName(Receiver)}' object has no method '{Name}'"),
    };

    /// <summary>The method called <paramref name="name"/> on <paramref name="receiver"/>, or null when that type has none.</summary>
    public static BoundMethod? TryBind(object? receiver, string name) => receiver switch
    {
        string s when StringMethods.Has(name) => new BoundMethod(s, name),
        OrderedDictionary<object, object?> d when DictMethods.Has(name) => new BoundMethod(d, name),
        _ => null,
    };
}
