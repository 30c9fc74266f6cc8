Console.WriteLine("interop host");
