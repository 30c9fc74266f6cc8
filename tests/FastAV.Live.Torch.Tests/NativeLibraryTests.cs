namespace FastAV.Live.Torch.Tests;

public sealed class NativeLibraryTests
{
    [Fact]
    public void ShimSitsBesideTheTestAssemblyAndLoads()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libfastav_torch.so")), "libfastav_torch.so missing from " + AppContext.BaseDirectory);
        Assert.False(string.IsNullOrEmpty(Torch.Version));
        Assert.True(Torch.ThreadCount >= 1);
    }
}
