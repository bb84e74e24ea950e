namespace Serving.LoadTests.Workload;

/// <summary>
/// Short, common English words. In the BPE vocabularies of the usual 32k–150k-token models each of them, with its
/// leading space, is a single token, so N words make roughly N tokens (small-vocabulary models split them further;
/// calibrate with /tokenize then).
/// </summary>
internal static class WordList
{
    public static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "is", "was", "that", "for", "on", "with", "as", "by", "at", "from", "his", "her",
        "they", "we", "you", "this", "an", "are", "be", "have", "not", "but", "had", "one", "all", "were", "there", "their",
        "which", "she", "he", "it", "or", "can", "will", "would", "about", "out", "up", "so", "if", "what", "when", "time",
        "day", "man", "year", "way", "people", "world", "life", "hand", "part", "child", "eye", "place", "work", "week",
        "case", "point", "home", "water", "room", "mother", "money", "story", "fact", "month", "right", "book", "word",
        "business", "side", "kind", "head", "house", "friend", "father", "power", "hour", "game", "line", "end", "member",
        "car", "city", "name", "team", "minute", "idea", "kid", "body", "back", "face", "others", "level", "office", "door",
        "health", "person", "art", "war", "history", "party", "result", "change", "morning", "reason", "girl", "guy",
        "food", "moment", "air", "teacher", "force", "school", "state", "family", "student", "group", "country", "problem",
        "small", "large", "good", "new", "first", "last", "long", "great", "little", "own", "other", "old", "big", "high",
        "different", "young", "important", "few", "public", "bad", "same", "able", "go", "make", "know", "take", "see",
        "come", "think", "look", "want", "give", "use", "find", "tell", "ask", "seem", "feel", "try", "leave", "call",
        "keep", "let", "begin", "help", "show", "hear", "play", "run", "move", "live", "believe", "bring", "write",
        "sit", "stand", "lose", "pay", "meet", "learn", "lead", "read", "grow", "open", "walk", "win", "teach", "offer",
        "remember", "love", "buy", "wait", "serve", "die", "send", "build", "stay", "fall", "cut", "reach", "kill", "sun",
        "tree", "river", "bird", "green", "blue", "red", "happy", "slow", "fast", "warm", "cold", "dark", "light", "rain",
    ];
}
