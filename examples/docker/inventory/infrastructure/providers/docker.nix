# The docker provider talks to the local daemon (DOCKER_HOST when set).
{
  terraform.required_providers = {
    docker.source = "kreuzwerker/docker";
    random.source = "hashicorp/random";
    tls.source = "hashicorp/tls";
  };
}
