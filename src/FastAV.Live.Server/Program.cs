using FastAV.Live.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGrpcServer();
var app = builder.Build();
app.UseGrpcServer();
app.Run();
