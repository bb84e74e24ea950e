await Console.Error.WriteLineAsync("usage: Serving.LoadTests run --base-url URL --load keep-constant:USERS|inject:RATE --out DIR");
return 2;
