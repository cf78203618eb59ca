package kinds

// Outpost service connections: how authentik deploys and manages an
// outpost (authentik/outposts/models.py OutpostServiceConnection, name
// unique across types; api/service_connections.py). One
// service_connections: section, type: docker or kubernetes; an outpost
// names one by name in service_connection.
func serviceConnection(typ, path, model, schema string, refs map[string]string, defaults map[string]any) *Kind {
	// OutpostServiceConnection.local default=False.
	d := map[string]any{"local": false}
	for k, v := range defaults {
		d[k] = v
	}
	return &Kind{Name: "service connection", Section: "service_connections", Type: typ, Path: path,
		AllPath: "outposts/service_connections/all/", AllModel: "authentik_outposts.outpostserviceconnection",
		Model: model, Schema: schema, Key: "name", PK: "pk", Refs: refs, Defaults: d}
}

func init() {
	// DockerServiceConnection: tls_verification and tls_authentication are
	// certificate-key pairs (on_delete=SET_DEFAULT, default None).
	docker := serviceConnection("docker", "outposts/service_connections/docker/", "authentik_outposts.dockerserviceconnection", "DockerServiceConnectionRequest",
		map[string]string{"tls_verification": "certificate", "tls_authentication": "certificate"},
		map[string]any{"tls_verification": nil, "tls_authentication": nil})
	docker.Nulled = []string{"tls_verification", "tls_authentication"}
	docker.Doc = "A Docker service connection: authentik deploys outposts as containers on a Docker host."
	// KubernetesServiceConnection: kubeconfig (default {}) holds the
	// cluster's credentials, so only from a sensitive variable (its YAML
	// or JSON text). KubernetesServiceConnectionSerializer.validate_kubeconfig
	// reads self.initial_data["local"] when the kubeconfig is empty: the
	// two travel together.
	kubernetes := serviceConnection("kubernetes", "outposts/service_connections/kubernetes/", "authentik_outposts.kubernetesserviceconnection", "KubernetesServiceConnectionRequest",
		nil, map[string]any{"verify_ssl": true})
	kubernetes.SensitiveOnly = []string{"kubeconfig"}
	kubernetes.SendTogether = [][]string{{"kubeconfig", "local"}}
	kubernetes.Docs = map[string]string{"kubeconfig": "The cluster's kubeconfig (YAML or JSON), only from a sensitive variable: kubeconfig: ${KUBECONFIG_TEXT}. Leave it out with local: true to use the cluster authentik runs in."}
	kubernetes.Doc = "A Kubernetes service connection: authentik deploys outposts into a cluster."
	Register(docker, kubernetes)
}
