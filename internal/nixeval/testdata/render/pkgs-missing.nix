{ pkgs, ... }: { resource.local_file.f.content = "${pkgs.hello}"; }
