package emulator

import (
	"encoding/json"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Outpost service connections, as authentik/outposts/api/
// service_connections.py on authentik/outposts/models.py: one
// OutpostServiceConnection table (name unique across types), the Docker
// and Kubernetes viewsets, and service_connections/all/ (list, retrieve,
// delete any type).

type serviceConnectionType struct {
	typ, model, prefix, component, verbose string
	fields                                 []fieldDef
	// check is the serializer's validate_<field>; a non-nil answer is the
	// server's error (a 500) instead of field errors.
	check func(e *Emulator, f *httpapi.Form, c *store.ServiceConnection) *httpapi.Resp
}

var serviceConnectionTypes = []serviceConnectionType{
	// DockerServiceConnectionSerializer; DockerServiceConnectionViewSet
	// filters on name, local, url, tls_verification, tls_authentication.
	{typ: "docker", model: "DockerServiceConnection", prefix: "outposts/service_connections/docker/",
		component: "ak-service-connection-docker-form", verbose: "Docker Service-Connection",
		fields: []fieldDef{
			{name: "local", typ: ftBool, def: false, filter: "exact"},
			{name: "url", typ: ftString, required: true, filter: "exact"},
			{name: "tls_verification", typ: ftKeypair},
			{name: "tls_authentication", typ: ftKeypair},
		}},
	// KubernetesServiceConnectionSerializer; filters on name, local.
	{typ: "kubernetes", model: "KubernetesServiceConnection", prefix: "outposts/service_connections/kubernetes/",
		component: "ak-service-connection-kubernetes-form", verbose: "Kubernetes Service-Connection",
		fields: []fieldDef{
			{name: "local", typ: ftBool, def: false, filter: "exact"},
			{name: "kubeconfig", typ: ftObject, def: map[string]any{}},
			{name: "verify_ssl", typ: ftBool, def: true},
		},
		check: validateKubeconfig},
}

// validateKubeconfig is validate_kubeconfig: an empty kubeconfig needs
// local, read from initial_data["local"] (a KeyError, so a 500, when the
// body has no local); another must load (load_kube_config_from_dict: its
// clusters, contexts and current context).
func validateKubeconfig(e *Emulator, f *httpapi.Form, c *store.ServiceConnection) *httpapi.Resp {
	if !f.Has("kubeconfig") {
		return nil
	}
	var kc map[string]any
	switch v := c.Attrs["kubeconfig"].(type) {
	case json.RawMessage: // as the body gave it
		_ = json.Unmarshal(v, &kc)
	case map[string]any: // the model default
		kc = v
	}
	if len(kc) == 0 {
		if !f.Has("local") {
			r := httpapi.ServerError()
			return &r
		}
		if local, _ := c.Attrs["local"].(bool); !local {
			f.Fail("kubeconfig", "You can only use an empty kubeconfig when connecting to a local cluster.")
		}
		return nil
	}
	current, _ := kc["current-context"].(string)
	contexts, _ := kc["contexts"].([]any)
	clusters, _ := kc["clusters"].([]any)
	found := false
	for _, x := range contexts {
		if m, ok := x.(map[string]any); ok && m["name"] == current {
			found = true
		}
	}
	if current == "" || !found || len(clusters) == 0 {
		f.Fail("kubeconfig", "Invalid kubeconfig")
	}
	return nil
}

func (t serviceConnectionType) kind() *kindDef[*store.ServiceConnection] {
	return &kindDef[*store.ServiceConnection]{
		kind: strings.ToLower(t.model), model: t.model, metaModel: "authentik_outposts." + strings.ToLower(t.model), prefix: t.prefix,
		fields: t.fields,
		list:   httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name")}, SearchFields: []string{"name"}, Order: []string{"name"}},
		all: func(e *Emulator) []*store.ServiceConnection {
			var out []*store.ServiceConnection
			for _, c := range e.st.ServiceConnections {
				if c.Kind == t.typ {
					out = append(out, c)
				}
			}
			return out
		},
		byID: func(e *Emulator, id string) (*store.ServiceConnection, bool) {
			c := e.st.ServiceConnectionByPK(id)
			return c, c != nil && c.Kind == t.typ
		},
		fresh: func(e *Emulator) *store.ServiceConnection {
			return &store.ServiceConnection{Kind: t.typ, Attrs: map[string]any{}}
		},
		clone: func(c *store.ServiceConnection) *store.ServiceConnection {
			n := *c
			n.Attrs = cloneAttrs(c.Attrs)
			return &n
		},
		commit: func(_ *Emulator, dst, src *store.ServiceConnection) { *dst = *src },
		insert: func(e *Emulator, c *store.ServiceConnection) {
			c.PK = e.newUUID()
			e.st.ServiceConnections = append(e.st.ServiceConnections, c)
		},
		remove:   func(e *Emulator, c *store.ServiceConnection) { e.st.DeleteServiceConnection(c) },
		attrs:    func(c *store.ServiceConnection) map[string]any { return c.Attrs },
		key:      func(c *store.ServiceConnection) string { return httpapi.FmtVal(c.Attrs["name"]) },
		pk:       func(c *store.ServiceConnection) string { return c.PK },
		readBase: func(e *Emulator, f *httpapi.Form, c *store.ServiceConnection) { e.readServiceConnectionName(f, c) },
		// validate_kubeconfig's KeyError surfaces as the 500 it is: the
		// field errors it raises otherwise are field checks.
		fieldChecks: func(e *Emulator, f *httpapi.Form, c *store.ServiceConnection) {
			if t.check != nil && f.Errs["kubeconfig"] == nil {
				t.check(e, f, c)
			}
		},
		validate: func(e *Emulator, f *httpapi.Form, c *store.ServiceConnection) *httpapi.Resp {
			if t.check == nil {
				return nil
			}
			return t.check(e, f, c)
		},
		render: func(e *Emulator, _ *httpapi.Call, c *store.ServiceConnection) map[string]any {
			return serviceConnectionBase(c)
		},
	}
}

// readServiceConnectionName reads name: unique across every type (one
// table).
func (e *Emulator) readServiceConnectionName(f *httpapi.Form, c *store.ServiceConnection) {
	var name string
	if f.Str("name", true, false, &name) {
		for _, o := range e.st.ServiceConnections {
			if httpapi.FmtVal(o.Attrs["name"]) == name && o.PK != c.PK {
				f.Fail("name", "outpost service-connection with this name already exists.")
			}
		}
		c.Attrs["name"] = name
	}
}

// serviceConnectionBase is ServiceConnectionSerializer's fields.
func serviceConnectionBase(c *store.ServiceConnection) map[string]any {
	t := serviceConnectionTypeOf(c.Kind)
	return map[string]any{"pk": c.PK, "name": c.Attrs["name"], "local": c.Attrs["local"], "component": t.component,
		"verbose_name": t.verbose, "verbose_name_plural": t.verbose + "s", "meta_model_name": "authentik_outposts." + strings.ToLower(t.model)}
}

func serviceConnectionTypeOf(typ string) serviceConnectionType {
	for _, t := range serviceConnectionTypes {
		if t.typ == typ {
			return t
		}
	}
	return serviceConnectionType{}
}

// allServiceConnectionsKind is outposts/service_connections/all/
// (ServiceConnectionViewSet: list, retrieve, delete; filter name).
var allServiceConnectionsKind = &kindDef[*store.ServiceConnection]{
	kind: "outpostserviceconnection", model: "OutpostServiceConnection", prefix: "outposts/service_connections/all/", noWrite: true,
	list: httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name")}, SearchFields: []string{"name"}},
	all:  func(e *Emulator) []*store.ServiceConnection { return e.st.ServiceConnections },
	byID: func(e *Emulator, id string) (*store.ServiceConnection, bool) {
		c := e.st.ServiceConnectionByPK(id)
		return c, c != nil
	},
	remove: func(e *Emulator, c *store.ServiceConnection) { e.st.DeleteServiceConnection(c) },
	attrs:  func(*store.ServiceConnection) map[string]any { return map[string]any{} },
	key:    func(c *store.ServiceConnection) string { return httpapi.FmtVal(c.Attrs["name"]) },
	pk:     func(c *store.ServiceConnection) string { return c.PK },
	render: func(e *Emulator, _ *httpapi.Call, c *store.ServiceConnection) map[string]any {
		return serviceConnectionBase(c)
	},
}

var serviceConnectionKinds = func() []genericKind {
	out := []genericKind{allServiceConnectionsKind}
	for _, t := range serviceConnectionTypes {
		out = append(out, t.kind())
	}
	return out
}()
