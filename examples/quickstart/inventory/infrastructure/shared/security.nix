# Shared security: the key pair machines are installed with (the plan's shared security groups
# live next to each machine; this is what they share).
{
  resource.tls_private_key.deploy.algorithm = "ED25519";

  output.deploy_public_key.value = "\${trimspace(tls_private_key.deploy.public_key_openssh)}";
}
