namespace FastAV.Live.Models.Config;

/// <summary>rope_scaling.type / rope_type of Hugging Face configs.</summary>
public enum RopeScalingType
{
    Linear,
    Dynamic,
    Llama3,
    Yarn,
}
