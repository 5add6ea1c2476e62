# etcd's optional username and password are null (rendered with --with-nulls).
{ backend.etcd = { path = "state"; endpoints = "http://etcd:2379"; }; resource.null_resource.x.triggers = { a = null; }; }
