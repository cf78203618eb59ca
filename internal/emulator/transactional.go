package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// PUT /core/transactional/applications/, as authentik 2026.2.2's
// TransactionalApplicationView (authentik/core/api/transactional_applications.py).
//
// The server turns the body into an in-memory blueprint of MUST_CREATED
// entries (the provider, identified by name; the application, by slug,
// its provider a KeyOf the provider entry; one policy binding per item of
// policy_bindings, targeting the application) and runs the blueprint
// importer twice: Importer.validate inside the serializer's validate(),
// which applies every entry in a transaction it rolls back, then
// Importer.apply in a transaction it commits. The answer is
// {"applied": <bool>, "logs": []}: logs is never filled and no pk is
// returned.
//
// The emulator does the same: it validates the body as the outer
// serializer does, applies the entries through the ordinary create
// handlers, restores the store (a provider pk the dry run drew stays
// drawn, as a Postgres sequence does), then applies them again. Nothing is
// kept unless every entry is valid.

// transactionalProviders are the provider_model choices the emulator
// serves: the emulator's provider kind of the model and the collection its
// create handler lives under. authentik offers every Provider subclass;
// models the emulator does not serve are refused as invalid choices
// (FIDELITY.md). The importer's must_created query runs on the entry's
// model (OAuth2Provider.objects.filter(name=…)), so another provider type
// of that name is found by the serializer's UniqueValidator instead.
var transactionalProviders = map[string]struct{ kind, collection string }{
	"authentik_providers_oauth2.oauth2provider": {store.KindOAuth2, "providers/oauth2/"},
	"authentik_providers_proxy.proxyprovider":   {store.KindProxy, "providers/proxy/"},
	"authentik_providers_saml.samlprovider":     {store.KindSAML, "providers/saml/"},
	"authentik_providers_ldap.ldapprovider":     {store.KindLDAP, "providers/ldap/"},
}

// msgMustCreated is the importer's error for a MUST_CREATED entry whose
// identifiers match an existing object.
const msgMustCreated = "State is set to must_created and object exists already"

func (e *Emulator) putTransactionalApplication(c *httpapi.Call) httpapi.Resp {
	snap := e.st.TxnSnapshot()
	// Serializer validation, including Importer.validate's dry run.
	r := e.applyTransactional(c)
	e.st.Rollback(snap)
	if r.Status != 0 {
		return r
	}
	// Importer.apply: the same entries again, committed.
	if r := e.applyTransactional(c); r.Status != 0 {
		// Cannot happen under the emulator's one lock; authentik answers
		// applied=false when apply hits an IntegrityError (a race).
		e.st.Rollback(snap)
		return httpapi.Resp{Status: http.StatusOK, Body: map[string]any{"applied": false, "logs": []any{}}}
	}
	return httpapi.Resp{Status: http.StatusOK, Body: map[string]any{"applied": true, "logs": []any{}}}
}

// applyTransactional validates the body and creates its entries in order;
// it returns a zero resp on success, the error answer otherwise. The
// caller restores the store.
func (e *Emulator) applyTransactional(c *httpapi.Call) httpapi.Resp {
	f, perr := httpapi.ParseForm(c.Body, false)
	if perr != nil {
		return *perr
	}
	errs := map[string]any{}
	objectOf := func(k string) (map[string]json.RawMessage, bool) {
		raw, ok := f.Raw[k]
		if !ok {
			errs[k] = []string{httpapi.MsgRequired}
			return nil, false
		}
		if isJSONNull(raw) {
			errs[k] = []string{httpapi.MsgNull}
			return nil, false
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil || m == nil {
			errs[k] = map[string]any{"non_field_errors": []string{fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", jsonTypeName(raw))}}
			return nil, false
		}
		return m, true
	}
	// app: ApplicationSerializer (its UniqueValidator refuses a taken slug
	// here, before the blueprint's must_created check could).
	appBody, appOK := objectOf("app")
	if appOK {
		if r := applicationKind.validateNew(e, &httpapi.Call{R: c.R, Body: mustJSON(appBody), User: c.User}); r != nil {
			errs["app"] = r.Body
		}
	}
	// provider_model: a ChoiceField.
	var model string
	if raw, ok := f.Raw["provider_model"]; !ok {
		errs["provider_model"] = []string{httpapi.MsgRequired}
	} else if isJSONNull(raw) {
		errs["provider_model"] = []string{httpapi.MsgNull}
	} else if json.Unmarshal(raw, &model) != nil || transactionalProviders[model].collection == "" {
		errs["provider_model"] = []string{fmt.Sprintf("%q is not a valid choice.", trimJSON(raw))}
	}
	// provider: a DictField, validated only by the blueprint.
	var providerBody map[string]json.RawMessage
	if raw, ok := f.Raw["provider"]; !ok {
		errs["provider"] = []string{httpapi.MsgRequired}
	} else if isJSONNull(raw) {
		errs["provider"] = []string{httpapi.MsgNull}
	} else if json.Unmarshal(raw, &providerBody) != nil || providerBody == nil {
		errs["provider"] = []string{fmt.Sprintf("Expected a dictionary of items but got type %q.", jsonTypeName(raw))}
	}
	// policy_bindings: TransactionPolicyBindingSerializer(many=True), which
	// validates against an unsaved Application as the target.
	var bindings []map[string]json.RawMessage
	if raw, ok := f.Raw["policy_bindings"]; ok {
		var items []json.RawMessage
		switch {
		case isJSONNull(raw):
			errs["policy_bindings"] = []string{httpapi.MsgNull}
		case json.Unmarshal(raw, &items) != nil:
			errs["policy_bindings"] = map[string]any{"non_field_errors": []string{fmt.Sprintf("Expected a list of items but got type %q.", jsonTypeName(raw))}}
		default:
			// ListSerializer: each item goes through the child serializer,
			// which wants a dictionary.
			itemErrs := make([]any, len(items))
			var at []int // the index of each dictionary item
			badItem := false
			for i, it := range items {
				var b map[string]json.RawMessage
				if json.Unmarshal(it, &b) != nil || b == nil {
					itemErrs[i], badItem = map[string]any{"non_field_errors": []string{fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", jsonTypeName(it))}}, true
					continue
				}
				itemErrs[i] = map[string]any{}
				bindings, at = append(bindings, b), append(at, i)
			}
			if bErrs := e.validateTxnBindings(c, bindings); bErrs != nil {
				for j, be := range bErrs {
					itemErrs[at[j]] = be
				}
				badItem = true
			}
			if badItem {
				errs["policy_bindings"] = itemErrs
			}
		}
	}
	if len(errs) > 0 {
		return httpapi.Resp{Status: http.StatusBadRequest, Body: errs}
	}

	// The blueprint. Its provider entry is identified by provider["name"]:
	// without one, validate() raises KeyError and authentik answers 500.
	var name string
	if raw, ok := providerBody["name"]; !ok || json.Unmarshal(raw, &name) != nil {
		return httpapi.ServerError()
	}
	for _, p := range e.st.Providers {
		if p.Name == name && p.Kind == transactionalProviders[model].kind {
			return httpapi.Resp{Status: http.StatusBadRequest, Body: map[string]any{"provider": map[string]any{"name": []string{msgMustCreated}}}}
		}
	}
	pr := e.createVia(transactionalProviders[model].collection, c, providerBody)
	if pr.Status >= 300 {
		return entryError("provider", pr)
	}
	pk := e.st.Providers[len(e.st.Providers)-1].PK
	// The app entry's attrs are the outer ApplicationSerializer's
	// validated data, where backchannel_providers already holds Provider
	// objects (only policy bindings get their models turned back into
	// pks); the entry's own ApplicationSerializer then refuses them.
	var backchannel []json.RawMessage
	if json.Unmarshal(appBody["backchannel_providers"], &backchannel) == nil && len(backchannel) > 0 {
		return httpapi.Resp{Status: http.StatusBadRequest, Body: map[string]any{"app": map[string]any{
			"backchannel_providers": []string{"Incorrect type. Expected pk value, received Provider."}}}}
	}
	appBody["provider"] = mustJSON(pk)
	ar := applicationKind.createH(e, &httpapi.Call{R: c.R, Body: mustJSON(appBody), User: c.User})
	if ar.Status >= 300 {
		return entryError("app", ar)
	}
	target := e.st.Apps[len(e.st.Apps)-1].PK
	for _, b := range bindings {
		b["target"] = mustJSON(target)
		if keys := e.txnBindingExists(b); keys != nil {
			// The entry's identifiers are the binding's validated fields
			// and target (an AND query): an identical binding earlier in
			// the same request is found, and must_created refuses it.
			errs := map[string]any{}
			for _, k := range keys {
				errs[k] = []string{msgMustCreated}
			}
			return httpapi.Resp{Status: http.StatusBadRequest, Body: map[string]any{"None": errs}}
		}
		if br := bindingKind.createH(e, &httpapi.Call{R: c.R, Body: mustJSON(b), User: c.User}); br.Status >= 300 {
			// Binding entries have no id: the importer names them "None".
			return entryError("None", br)
		}
	}
	return httpapi.Resp{}
}

// validateTxnBindings runs each binding through the binding serializer
// with a placeholder application as target. It returns DRF's list of
// per-item errors ({} for valid items), or nil when all are valid.
func (e *Emulator) validateTxnBindings(c *httpapi.Call, bindings []map[string]json.RawMessage) []any {
	if len(bindings) == 0 {
		return nil
	}
	placeholder := &store.Application{PK: e.newUUID(), Attrs: map[string]any{}}
	e.st.Apps = append(e.st.Apps, placeholder)
	defer func() {
		e.st.Apps = slices.DeleteFunc(e.st.Apps, func(a *store.Application) bool { return a == placeholder })
	}()
	out := make([]any, len(bindings))
	bad := false
	for i, b := range bindings {
		body := map[string]json.RawMessage{}
		for k, v := range b {
			if k != "target" { // not a field of the serializer: ignored
				body[k] = v
			}
		}
		body["target"] = mustJSON(placeholder.PK)
		if r := bindingKind.validateNew(e, &httpapi.Call{R: c.R, Body: mustJSON(body), User: c.User}); r != nil {
			out[i], bad = r.Body, true
		} else {
			out[i] = map[string]any{}
		}
	}
	if !bad {
		return nil
	}
	return out
}

// createVia runs the create handler of the collection at prefix.
func (e *Emulator) createVia(prefix string, c *httpapi.Call, body map[string]json.RawMessage) httpapi.Resp {
	for _, rt := range e.routes() {
		if rt.prefix == prefix {
			return rt.collection[http.MethodPost](&httpapi.Call{R: c.R, Body: mustJSON(body), User: c.User})
		}
	}
	return httpapi.ServerError()
}

// entryError is the serializer's answer to an invalid blueprint entry:
// {entry id: the entry serializer's errors}. A crash stays a crash.
func entryError(id string, r httpapi.Resp) httpapi.Resp {
	if r.Status != http.StatusBadRequest {
		return r
	}
	return httpapi.Resp{Status: http.StatusBadRequest, Body: map[string]any{id: r.Body}}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// jsonTypeName names a JSON value's Python type as DRF's messages do.
func jsonTypeName(raw json.RawMessage) string {
	var v any
	_ = json.Unmarshal(raw, &v)
	switch v.(type) {
	case string:
		return "str"
	case float64:
		if strings.ContainsAny(string(raw), ".eE") {
			return "float"
		}
		return "int"
	case bool:
		return "bool"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	}
	return "NoneType"
}

func trimJSON(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func isJSONNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// txnBindingFields are TransactionPolicyBindingSerializer's writable fields.
var txnBindingFields = []string{"policy", "group", "user", "negate", "enabled", "order", "timeout", "failure_result"}

// txnBindingExists returns the identifier keys of a binding entry when a
// binding with all those values exists (the importer's must_created
// check), nil otherwise.
func (e *Emulator) txnBindingExists(b map[string]json.RawMessage) []string {
	keys := []string{"target"}
	for _, k := range txnBindingFields {
		if _, ok := b[k]; ok {
			keys = append(keys, k)
		}
	}
	norm := func(v any) any {
		var x any
		_ = json.Unmarshal(mustJSON(v), &x)
		if s, ok := x.(string); ok {
			return strings.ToLower(s)
		}
		return x
	}
	for _, old := range e.st.Bindings {
		m := bindingKind.renderObj(e, nil, old)
		m["target"] = old.Target
		same := true
		for _, k := range keys {
			if string(mustJSON(norm(m[k]))) != string(mustJSON(norm(b[k]))) {
				same = false
				break
			}
		}
		if same {
			return keys
		}
	}
	return nil
}
