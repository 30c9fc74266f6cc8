using Google.Protobuf.Reflection;

namespace FastAV.Live.Grpc.Reflection;

/// <summary>Files and fully-qualified symbols (services, methods, messages, enums, fields) reachable from a set of services.</summary>
internal sealed class ReflectionIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageDescriptor> _messages = new(StringComparer.Ordinal);

    public ReflectionIndex(IReadOnlyList<ServiceDescriptor> services)
    {
        ServiceNames = services.Select(s => s.FullName).Distinct().Order(StringComparer.Ordinal).ToArray();
        foreach (var service in services)
        {
            AddFile(service.File);
        }
    }

    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol.TrimStart('.'));

    public MessageDescriptor? FindMessage(string name) => _messages.GetValueOrDefault(name.TrimStart('.'));

    /// <summary>The file first, then every file it imports, transitively, each once.</summary>
    public IEnumerable<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<FileDescriptor>();
        stack.Push(file);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (!seen.Add(next.Name))
            {
                continue;
            }

            yield return next;
            foreach (var dependency in next.Dependencies)
            {
                stack.Push(dependency);
            }
        }
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }

        foreach (var service in file.Services)
        {
            _symbols[service.FullName] = file;
            foreach (var method in service.Methods)
            {
                _symbols[method.FullName] = file;
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(file, message);
        }

        foreach (var enumType in file.EnumTypes)
        {
            _symbols[enumType.FullName] = file;
        }
    }

    private void AddMessage(FileDescriptor file, MessageDescriptor message)
    {
        _symbols[message.FullName] = file;
        _messages[message.FullName] = message;
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            _symbols[field.FullName] = file;
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(file, nested);
        }

        foreach (var enumType in message.EnumTypes)
        {
            _symbols[enumType.FullName] = file;
        }
    }
}
