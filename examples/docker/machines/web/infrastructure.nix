# The machine: a container running sshd, reachable on 127.0.0.1 only, that lets
# in the key this workspace makes. Its outputs are what install needs.
{ machine, ... }:
{
  resource.tls_private_key.ssh.algorithm = "ED25519";

  # Container names are global on the host: a suffix keeps two clans apart.
  resource.random_id.suffix.byte_length = 4;

  resource.docker_container.machine = {
    name = "clan-terranix-${machine.name}-\${random_id.suffix.hex}";
    image = "\${data.terraform_remote_state.shared.outputs.image_id}";
    hostname = machine.name;
    must_run = true;
    # Published on the loopback address only, on a port Docker picks.
    ports = [ { internal = 22; ip = "127.0.0.1"; } ];
    upload = [
      {
        file = "/root/.ssh/authorized_keys";
        content = "\${tls_private_key.ssh.public_key_openssh}";
      }
    ];
  };

  output.target_host.value = "127.0.0.1:\${docker_container.machine.ports[0].external}";
  output.instance_id.value = "\${docker_container.machine.id}";
  output.ssh_private_key = {
    value = "\${tls_private_key.ssh.private_key_openssh}";
    sensitive = true;
  };
}
