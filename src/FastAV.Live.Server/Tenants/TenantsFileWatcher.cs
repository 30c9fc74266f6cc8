namespace FastAV.Live.Server.Tenants;

/// <summary>
/// Reloads the tenants file when it changes: on a file-system notification in its directory (debounced, so an editor's
/// write completes first) and every Auth:ReloadInterval, since notifications miss some mounts (a Kubernetes secret
/// volume swaps a symlink above the file). Nothing runs on an open server.
/// </summary>
internal sealed class TenantsFileWatcher(TenantDirectory directory, AuthOptions options) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (directory.Path is null)
        {
            return;
        }

        using var changed = new SemaphoreSlim(0);
        using var watcher = Watch(directory.Path, changed);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await changed.WaitAsync(options.ReloadInterval, stoppingToken).ConfigureAwait(false))
                {
                    await Task.Delay(Debounce, stoppingToken).ConfigureAwait(false);
                    while (changed.CurrentCount > 0 && changed.Wait(0))
                    {
                        // One reload for a burst of notifications.
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            directory.Reload();
        }
    }

    private static FileSystemWatcher? Watch(string path, SemaphoreSlim changed)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            var watcher = new FileSystemWatcher(folder)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            FileSystemEventHandler signal = (_, _) => changed.Release();
            watcher.Changed += signal;
            watcher.Created += signal;
            watcher.Deleted += signal;
            watcher.Renamed += (_, _) => changed.Release();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Out of inotify watches, or a file system without notifications: the interval still reloads.
            return null;
        }
    }
}
