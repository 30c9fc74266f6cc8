namespace FastAV.Live.Media;

/// <summary>
/// Turns RGB24 frames into the vision encoder's input: bilinear resize (half-pixel centres, no
/// antialiasing), centre crop or pad, (x/255 − mean)/std, laid out as a plain float array
/// <c>[frames, 3, Height, Width]</c>.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly ImagePreprocessorOptions _options;
    private readonly float[] _scale = new float[3];
    private readonly float[] _shift = new float[3];

    public ImagePreprocessor(ImagePreprocessorOptions? options = null)
    {
        _options = options ?? new ImagePreprocessorOptions();
        _options.Validate();
        for (var c = 0; c < 3; c++)
        {
            _scale[c] = 1f / (255f * _options.Std[c]);
            _shift[c] = -_options.Mean[c] / _options.Std[c];
        }
    }

    public int Height => _options.Height;

    public int Width => _options.Width;

    /// <summary>How pictures are fitted to the input; a frame already at <see cref="FrameFit.Resized"/> size is only padded or cropped.</summary>
    public FrameFit Fit => new(_options.Width, _options.Height, _options.Mode);

    /// <summary>Returns <c>[frames.Count, 3, Height, Width]</c>.</summary>
    public float[] Process(IReadOnlyList<DecodedFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var plane = Height * Width;
        var output = new float[checked(frames.Count * 3 * plane)];
        for (var i = 0; i < frames.Count; i++)
        {
            ProcessInto(frames[i], output.AsSpan(i * 3 * plane, 3 * plane));
        }

        return output;
    }

    /// <summary>Writes one frame as <c>[3, Height, Width]</c> into <paramref name="destination"/>.</summary>
    public void ProcessInto(DecodedFrame frame, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int w = frame.Width, h = frame.Height, outW = Width, outH = Height;
        if (w < 1 || h < 1 || frame.Rgb.Length != (long)w * h * 3)
        {
            throw new ArgumentException($"frame {w}x{h} does not match its {frame.Rgb.Length} RGB bytes", nameof(frame));
        }

        if (destination.Length != 3 * outW * outH)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, needs {3 * outW * outH}", nameof(destination));
        }

        var (resizedW, resizedH) = Fit.Resized(w, h);
        var offsetX = (resizedW - outW) / 2; // > 0 crops, < 0 pads
        var offsetY = (resizedH - outH) / 2;
        var sx = (double)w / resizedW;
        var sy = (double)h / resizedH;

        var xs = new (int X0, int X1, float Fx, bool Inside)[outW];
        for (var x = 0; x < outW; x++)
        {
            var rx = x + offsetX;
            var src = Math.Max(0, ((rx + 0.5) * sx) - 0.5);
            var x0 = Math.Min((int)src, w - 1);
            xs[x] = (x0, Math.Min(x0 + 1, w - 1), (float)(src - x0), rx >= 0 && rx < resizedW);
        }

        var rgb = frame.Rgb;
        var plane = outW * outH;
        for (var y = 0; y < outH; y++)
        {
            var ry = y + offsetY;
            var insideY = ry >= 0 && ry < resizedH;
            var srcY = Math.Max(0, ((ry + 0.5) * sy) - 0.5);
            var y0 = Math.Min((int)srcY, h - 1);
            var y1 = Math.Min(y0 + 1, h - 1);
            var fy = (float)(srcY - y0);
            for (var x = 0; x < outW; x++)
            {
                var (x0, x1, fx, insideX) = xs[x];
                for (var c = 0; c < 3; c++)
                {
                    float value;
                    if (insideX && insideY)
                    {
                        float a = rgb[(((y0 * w) + x0) * 3) + c], b = rgb[(((y0 * w) + x1) * 3) + c];
                        float d = rgb[(((y1 * w) + x0) * 3) + c], e = rgb[(((y1 * w) + x1) * 3) + c];
                        var top = a + ((b - a) * fx);
                        var bottom = d + ((e - d) * fx);
                        value = ((top + ((bottom - top) * fy)) * _scale[c]) + _shift[c];
                    }
                    else
                    {
                        value = 0f; // the mean colour, normalised
                    }

                    destination[(c * plane) + (y * outW) + x] = value;
                }
            }
        }
    }
}
