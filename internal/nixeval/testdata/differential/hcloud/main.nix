# In the style of terranix-hcloud: a module with submodule options per server, used by a configuration.
{ ... }:
{
  imports = [ ./_modules/hcloud.nix ];
  hcloud.enable = true;
  hcloud.server.web = { serverType = "cx32"; };
  hcloud.server.worker = { count = 2; };
}
