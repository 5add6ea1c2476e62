# A clan whose machine is a container on this host: the docker provider makes it,
# with sshd from a minimal Debian image, so `clan-terranix install web` meets a real
# SSH server without any cloud account. scripts/test builds the image
# (clan-terranix-sshd:bookworm) and starts the Docker daemon.
{
  meta.name = "docker";

  inventory.machines.web = {
    tags = [ "docker" ];
  };

  imports = [ { inventory = import ./inventory/services/terranix.nix; } ];
}
