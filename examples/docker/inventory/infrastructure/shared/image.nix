# The machine image every container starts from: already on this host (no
# registry is reachable), and kept there when the workspace is destroyed.
{
  imports = [ ../providers/docker.nix ];

  resource.docker_image.sshd = {
    name = "clan-terranix-sshd:bookworm";
    keep_locally = true;
  };

  output.image_id.value = "\${docker_image.sshd.image_id}";
}
