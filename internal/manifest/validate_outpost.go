package manifest

import (
	"fmt"
	"sort"
	"strings"
)

func validateOutposts(v *validation) {
	seen := map[string]Position{}
	for i := range v.m.Outposts {
		o := &v.m.Outposts[i]
		if o.Name == "" {
			v.ds.add(o.Src.Pos, "outpost: name is required")
			continue
		}
		dup(&v.ds, seen, o.Name, o.Src.Pos, "outpost")
		checkState(&v.ds, o.State, o.Src)
		if o.State.IsAbsent() {
			continue
		}
		if o.Type == "" {
			v.ds.add(o.Src.Pos, fmt.Sprintf("outpost %q: type is required (proxy, ldap, radius or rac)", o.Name))
		} else {
			checkEnum(&v.ds, "outpost type", &o.Type, o.Src)
		}
		if o.Exclusive && o.Name == EmbeddedOutpostName {
			v.ds.add(o.Src.At("exclusive"), fmt.Sprintf("outpost %q is shared: exclusive would detach the providers others attached; list only the providers to attach", o.Name))
		}
		if o.Name == EmbeddedOutpostName && o.Type != "" && o.Type != "proxy" {
			v.ds.add(o.Src.At("type"), fmt.Sprintf("outpost %q is authentik's embedded outpost, which is a proxy outpost; declare a separate %s outpost", o.Name, o.Type))
		}
		checkOutpostConfig(&v.ds, o)
		checkOutpostOutputs(&v.ds, o)
		if len(o.Providers) == 0 && o.Name != EmbeddedOutpostName {
			v.ds.add(o.Src.Pos, fmt.Sprintf("outpost %q: list at least one provider (authentik refuses an outpost without providers, except the embedded one)", o.Name))
		}
		for j, name := range o.Providers {
			at := o.Src.At(fmt.Sprintf("providers[%d]", j))
			p := v.providers[name]
			if e := v.engine[name]; p == nil && e != nil {
				v.checkOutpostEngineProvider(o, e, at)
				continue
			}
			if p == nil {
				v.undeclared(at, fmt.Sprintf("outpost %q lists provider %q", o.Name, name), "provider", name, v.providerNames())
				continue
			}
			t := ProviderTypeOf(p.Type)
			switch {
			case p.State.IsAbsent():
				v.ds.add(at, fmt.Sprintf("outpost %q lists provider %q, which the manifest marks state: absent", o.Name, name))
			case t == nil:
				// reported on the provider
			case t.Outpost == "":
				v.ds.add(at, fmt.Sprintf("outpost %q lists %s provider %q: outposts serve only proxy, LDAP, RADIUS and RAC providers, while %s is served by authentik itself, so remove it from the outpost (the application needs no outpost)", o.Name, t.Label, name, servedBy(t)))
			case o.Type != "" && o.Type != t.Outpost:
				v.ds.add(at, fmt.Sprintf("outpost %q of type %s cannot serve %s provider %q: %s providers need an outpost of type %s", o.Name, o.Type, t.Label, name, t.Label, t.Outpost))
			}
		}
	}
}

func servedBy(t *ProviderType) string {
	if t.Name == TypeOAuth2 {
		return "OAuth2/OIDC"
	}
	return strings.TrimSpace(t.Label)
}

// checkOutpostOutputs checks an outpost's outputs: token only, to a file,
// in a format that holds it; not for the embedded outpost, which runs
// inside authentik and is never deployed.
func checkOutpostOutputs(ds *Diagnostics, o *Outpost) {
	for _, name := range sortedKeys(o.Outputs) {
		out := o.Outputs[name]
		at := o.Src.At("outputs." + name)
		switch {
		case name != OutpostTokenOutput:
			ds.add(at, fmt.Sprintf("outpost %q: unknown output %q; an outpost has one output, token (its deployment token)", o.Name, name))
			continue
		case o.Name == EmbeddedOutpostName:
			ds.add(at, fmt.Sprintf("outpost %q runs inside authentik and is never deployed: it has no token to write", o.Name))
			continue
		case out == nil || out.File == "":
			ds.add(at, fmt.Sprintf("outpost %q, output token: file is required (where apply writes AUTHENTIK_HOST and AUTHENTIK_TOKEN)", o.Name))
			continue
		case out.File == "-":
			ds.add(o.Src.At("outputs."+name+".file"), fmt.Sprintf("outpost %q, output token: a token is not printed; give a file", o.Name))
		}
		if f := out.Format; f != "" && f != "dotenv" && f != "kubernetes-secret" {
			ds.add(o.Src.At("outputs."+name+".format"), fmt.Sprintf("outpost %q, output token: format %q is not one of dotenv, kubernetes-secret", o.Name, f))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkOutpostEngineProvider checks an outpost's provider the engine
// manages: RADIUS and RAC providers need an outpost of their type; a SCIM
// provider is run by authentik itself.
func (v *validation) checkOutpostEngineProvider(o *Outpost, e *Entry, at Position) {
	outpost := map[string]string{"radius": "radius", "rac": "rac"}[e.Kind.Type]
	switch {
	case e.State.IsAbsent():
		v.ds.add(at, fmt.Sprintf("outpost %q lists provider %q, which the manifest marks state: absent", o.Name, e.Key))
	case outpost == "":
		v.ds.add(at, fmt.Sprintf("outpost %q lists %s provider %q: outposts serve only proxy, LDAP, RADIUS and RAC providers, while authentik itself runs a %s provider's sync, so remove it from the outpost", o.Name, e.Kind.Type, e.Key, e.Kind.Type))
	case o.Type != "" && o.Type != outpost:
		v.ds.add(at, fmt.Sprintf("outpost %q of type %s cannot serve %s provider %q: %s providers need an outpost of type %s", o.Name, o.Type, e.Kind.Type, e.Key, e.Kind.Type, outpost))
	}
}
