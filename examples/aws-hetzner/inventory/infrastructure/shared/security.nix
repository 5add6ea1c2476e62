# Shared security: SSH from anywhere, and the key machines are installed with.
{
  resource.aws_security_group.ssh = {
    name = "clan-ssh";
    vpc_id = "\${aws_vpc.main.id}";
    ingress = [
      {
        from_port = 22;
        to_port = 22;
        protocol = "tcp";
        cidr_blocks = [ "0.0.0.0/0" ];
      }
    ];
  };

  resource.aws_key_pair.deploy = {
    key_name = "clan-deploy";
    # Replace with your own public key (the one `clan machines install -i` uses).
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplaceWithYourOwnPublicKeyxxxxxxxxxxxx admin";
  };

  output.ssh_security_group_id.value = "\${aws_security_group.ssh.id}";
  output.key_name.value = "\${aws_key_pair.deploy.key_name}";
}
