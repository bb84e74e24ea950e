namespace Serving.Server.Tests;

/// <summary>Paths into ../shared (models and oracle vectors), found by walking up from the test binary.</summary>
internal static class SharedData
{
    public static string Root { get; } = Find();

    public static string Model(string file) => Path.Combine(Root, "models", file);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var sibling = Path.Combine(dir.FullName, "..", "shared", "models");
            if (Directory.Exists(sibling))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
        }

        throw new DirectoryNotFoundException("../shared (models and oracle vectors) was not found above " + AppContext.BaseDirectory);
    }
}
