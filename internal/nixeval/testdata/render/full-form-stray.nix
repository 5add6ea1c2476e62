{ config = { output.a.value = 1; }; resource.x.y = { }; }
