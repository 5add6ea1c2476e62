# Every machine tagged `docker` is a container made by the docker provider.
{
  imports = [ ../infrastructure/providers/docker.nix ];
}
