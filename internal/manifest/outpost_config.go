package manifest

import (
	"fmt"
	"sort"

	"github.com/provision/provision/internal/suggest"
)

// outpostConfigKinds are the keys of authentik's OutpostConfig dataclass
// (authentik/outposts/models.py at 2026.2) and the JSON shape each needs;
// authentik refuses a wrong type with "Failed to validate config".
var outpostConfigKinds = map[string]string{
	"authentik_host":                   "string",
	"authentik_host_insecure":          "bool",
	"authentik_host_browser":           "string",
	"log_level":                        "string",
	"object_naming_template":           "string",
	"refresh_interval":                 "duration",
	"container_image":                  "string or null",
	"docker_network":                   "string or null",
	"docker_map_ports":                 "bool",
	"docker_labels":                    "map or null",
	"kubernetes_replicas":              "int",
	"kubernetes_namespace":             "string",
	"kubernetes_ingress_annotations":   "map",
	"kubernetes_ingress_secret_name":   "string",
	"kubernetes_ingress_class_name":    "string or null",
	"kubernetes_ingress_path_type":     "string or null",
	"kubernetes_httproute_annotations": "map",
	"kubernetes_httproute_parent_refs": "list",
	"kubernetes_service_type":          "string",
	"kubernetes_disabled_components":   "list",
	"kubernetes_image_pull_secrets":    "list",
	"kubernetes_json_patches":          "map or null",
}

// checkOutpostConfig refuses, offline, what authentik's outpost serializer
// would: values of the wrong type and a refresh_interval that is not a
// duration. Unknown keys, which authentik would store and never use, are
// refused too, with a suggestion.
func checkOutpostConfig(ds *Diagnostics, o *Outpost) {
	keys := make([]string, 0, len(outpostConfigKinds))
	for k := range outpostConfigKinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for k, v := range o.Config {
		at := o.Src.At("config." + k)
		kind, ok := outpostConfigKinds[k]
		if !ok {
			msg := fmt.Sprintf("outpost %q: config key %q is not one authentik reads", o.Name, k)
			if s := suggest.Closest(k, keys); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			ds.add(at, msg)
			continue
		}
		if !configValueOK(kind, v) {
			ds.add(at, fmt.Sprintf("outpost %q: config %s must be %s, got %s", o.Name, k, kindLabels[kind], describe(v)))
		}
	}
}

var kindLabels = map[string]string{
	"string": "a string", "string or null": "a string or null", "bool": "true or false", "int": "an integer",
	"duration": `a duration such as "minutes=5"`, "map": "a map", "map or null": "a map or null", "list": "a list",
}

func configValueOK(kind string, v any) bool {
	switch kind {
	case "string":
		_, ok := v.(string)
		return ok
	case "string or null":
		_, ok := v.(string)
		return ok || v == nil
	case "bool":
		_, ok := v.(bool)
		return ok
	case "int":
		_, ok := v.(int)
		return ok
	case "duration":
		s, ok := v.(string)
		return ok && validDuration(s)
	case "map":
		_, ok := v.(map[string]any)
		return ok
	case "map or null":
		_, ok := v.(map[string]any)
		return ok || v == nil
	case "list":
		_, ok := v.([]any)
		return ok
	}
	return true
}

func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", t)
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%v", v)
}
