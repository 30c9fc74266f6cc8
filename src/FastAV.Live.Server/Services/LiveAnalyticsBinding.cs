using FastAV.Live.Contracts.V1;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;

namespace FastAV.Live.Server.Services;

/// <summary>
/// How Grpc.AspNetCore binds <see cref="LiveAnalyticsService"/> (named by its [BindServiceMethod]): the generated
/// <c>LiveAnalytics.BindService</c> through a <see cref="CheckedServiceBinder"/>, so requests are parsed strictly.
/// Reflection finds the service's descriptor here too.
/// </summary>
public static class LiveAnalyticsBinding
{
    public static ServiceDescriptor Descriptor => LiveAnalytics.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, LiveAnalytics.LiveAnalyticsBase serviceImpl) =>
        LiveAnalytics.BindService(new CheckedServiceBinder(serviceBinder), serviceImpl);
}
