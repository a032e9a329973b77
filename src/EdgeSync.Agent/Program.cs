Console.WriteLine("edgesync");
