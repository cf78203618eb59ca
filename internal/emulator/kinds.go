package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// The generic CRUD layer: a kind is described by a kindDef (URL prefix,
// store access, the fields of its own serializer as data, hooks for what is
// special) and served by the shared list/create/retrieve/put/patch/delete
// handlers below. The field tables mirror the request schemas of authentik's
// schema.yml (required, enums, nullability, minLength); kinds_test.go checks
// them against the schema through the contract package.

// fieldType is how a generic field is read from a request body.
type fieldType int

const (
	ftString       fieldType = iota // CharField (whitespace trimmed)
	ftURL                           // DomainlessURLValidator(schemes=("http", "https"))
	ftDuration                      // timedelta_string_validator
	ftChoice                        // ChoiceField
	ftBool                          // BooleanField
	ftInt32                         // IntegerField within int32
	ftNullString                    // CharField(allow_null=True)
	ftKeypair                       // nullable FK to CertificateKeyPair
	ftSAMLMapping                   // nullable FK to SAMLPropertyMapping
	ftRef                           // FK by uuid to the kind named by fieldDef.ref (nullable unless required)
	ftRefList                       // ManyToManyField: a list of uuids of fieldDef.ref
	ftChoiceList                    // ArrayField of a ChoiceField (ListField)
	ftFloat                         // FloatField
	ftEmail                         // EmailField
	ftFile                          // authentik.admin.files FileField (validate_file_name)
	ftChoiceNull                    // ChoiceField(allow_null=True)
	ftSlug                          // SlugField (validate_slug)
	ftUint                          // PositiveIntegerField (0 .. 2147483647)
	ftObject                        // JSONDictField (authentik/core/api/utils.py), kept verbatim
	ftIntRefList                    // ManyToManyField to a model with an integer pk (fieldDef.ref: "user", "provider")
	ftRedirectURIs                  // OAuth2 redirect_uris: a list of {matching_mode, url} (RedirectURISerializer)
	ftIntRef                        // FK by integer pk (fieldDef.ref: "user"), nullable unless required; stored int64
	ftIntList                       // ArrayField(IntegerField) (ListField of integers)
	ftStrList                       // a list of strings not checked against choices (CountryField(multiple=True))
)

// fieldDef is one writable field of a kind's serializer. Stored values are
// string, bool, int64, or nil (null).
type fieldDef struct {
	name     string
	typ      fieldType
	required bool // required on create and PUT
	blank    bool // "" allowed
	def      any  // model default on create
	choices  []string
	filter   string // list filter: "exact" (param = name), "iexact" (param = name+"__iexact"), "" none
	// ref names what ftRef/ftRefList point at (see refExists): "flow",
	// "stage", "stage:<type>", "group", "prompt", or a model the emulator
	// has no objects of ("policy", "source", "webauthndevicetype").
	ref        string
	writeOnly  bool   // extra_kwargs write_only: never rendered
	allowEmpty bool   // ftRefList/ftChoiceList: [] accepted (M2M blank=True; every ListField)
	max        int64  // ftInt32/ftUint: MaxValueValidator, 0 when none
	min        int64  // ftInt32/ftUint: MinValueValidator, 0 when none
	unique     string // the model's unique message, "" when not unique
	maxLength  int    // CharField max_length, 0 when none
	// putDefault: the serializer declares default= (extra_kwargs), so a
	// PUT without the field writes def; a model default alone does not.
	putDefault bool
	// unordered: a M2M the server returns in database order, not the
	// order written; rendered scrambled so clients cannot depend on it.
	unordered bool
	// cascade: an ftRef whose referent's delete deletes the object
	// (on_delete=CASCADE; stage tables only: State.StageCascades).
	cascade bool
}

// kindDef describes one kind served by the generic handlers. T is the
// stored object type.
type kindDef[T any] struct {
	kind   string // OverrideField/SetField kind, e.g. "samlprovider"
	model  string // Python class, for "No <model> matches the given query."
	prefix string // below /api/v3/
	intPK  bool   // integer pk in the URL (else uuid)
	keyID  bool   // the URL id is the key (lookup_field, e.g. a flow's slug), any string
	// metaModel is app_label.model_name, as meta_model_name and blueprints
	// name the model (seeding from akblueprints finds kinds by it).
	metaModel string
	fields    []fieldDef
	list      httpapi.ListSpec // extra filters, search, order; field filters are added from fields

	all    func(e *Emulator) []T
	byID   func(e *Emulator, id string) (T, bool)
	fresh  func(e *Emulator) T           // a new object before the body is applied
	clone  func(T) T                     // a copy to validate into
	commit func(e *Emulator, dst, src T) // store the validated copy
	insert func(e *Emulator, obj T)
	remove func(e *Emulator, obj T)
	attrs  func(T) map[string]any
	key    func(T) string // OverrideField/SetField key (the name)

	// readBase reads fields kept outside attrs (e.g. the Provider base).
	readBase func(e *Emulator, f *httpapi.Form, obj T)
	// fieldChecks are the serializer's validate_<field>() methods: they run
	// with the field errors, before validate().
	fieldChecks func(e *Emulator, f *httpapi.Form, obj T)
	// validate is the serializer's validate(); it sees only the body's
	// attributes (f.has) and runs when every field was valid.
	validate func(e *Emulator, f *httpapi.Form, obj T) *httpapi.Resp
	// render renders everything but attrs: base and computed fields.
	render func(e *Emulator, c *httpapi.Call, obj T) map[string]any
	// refFilters are model-choice filters: unknown values give a 400.
	refFilters func(e *Emulator) (single, multi map[string]func(string) bool)
	// choiceFilters are value filters with choices: an unknown value is a
	// 400 "Select a valid choice. …".
	choiceFilters func(e *Emulator) (single, multi map[string][]string)
	// listFilter is a filterset's method filters (those that are not a
	// field lookup): keep says which objects stay; r is a 400.
	listFilter func(e *Emulator, c *httpapi.Call) (keep func(T) bool, r *httpapi.Resp)
	// listExtra adds private "_..." keys used by filters; removed after listing.
	listExtra func(e *Emulator, obj T, m map[string]any)

	pk func(T) string
	// urlID is the object's id in its detail URL when that is not the pk
	// (lookup_field); nil means pk.
	urlID func(T) string

	detailActions     map[string]kindAction[T]
	collectionActions map[string]action
	// postActions are collection @actions taking a POST (a certificate's
	// generate/), by name.
	postActions map[string]func(e *Emulator, c *httpapi.Call) httpapi.Resp
	// rawDetailActions are detail actions that look the object up
	// themselves (their lookup differs from the viewset's).
	rawDetailActions func(e *Emulator) map[string]action
	// overrideKinds are other OverrideField kinds whose overrides reach
	// this kind's rendering (a union view's concrete kinds).
	overrideKinds []string
	// destroy is the viewset's destroy() override: a non-nil answer
	// refuses the delete (the built-in source); nil when there is none.
	destroy func(e *Emulator, obj T) *httpapi.Resp
	// noWrite serves list, retrieve and delete only (the emulator cannot
	// create or edit objects of the kind; FIDELITY.md).
	noWrite bool
	// fast reads fields kept outside attrs for list filters and ordering
	// without rendering (see lazyList); nil when there are none.
	fast func(obj T, name string) (any, bool)
}

// kindAction is a detail @action of a generic kind.
type kindAction[T any] struct {
	anonymous bool
	fn        func(e *Emulator, c *httpapi.Call, obj T) httpapi.Resp
}

func (k *kindDef[T]) renderObj(e *Emulator, c *httpapi.Call, obj T) map[string]any {
	m := k.render(e, c, obj)
	a := k.attrs(obj)
	for _, fd := range k.fields {
		if fd.writeOnly {
			continue
		}
		m[fd.name] = e.fieldValue(fd, a)
	}
	e.applyOverrides(k.kind, k.key(obj), m)
	return m
}

// fieldValue is a field as a response carries it.
func (e *Emulator) fieldValue(fd fieldDef, a map[string]any) any {
	v := a[fd.name]
	if fd.unordered {
		switch l := v.(type) {
		case []string:
			v = scramble(e.seed, l)
		case []int32:
			v = scramble(e.seed, l)
		}
	}
	return renderValue(v)
}

// renderValue is a stored field value as a response carries it: integers
// and floats as json.Number (a float as Python's repr writes it: 1.0).
func renderValue(v any) any {
	switch n := v.(type) {
	case []int64:
		out := make([]any, len(n))
		for i, x := range n {
			out[i] = json.Number(strconv.FormatInt(x, 10))
		}
		return out
	case []string:
		out := make([]any, len(n))
		for i, x := range n {
			out[i] = x
		}
		return out
	case []int32:
		out := make([]any, len(n))
		for i, x := range n {
			out[i] = json.Number(strconv.Itoa(int(x)))
		}
		return out
	case []store.RedirectURI:
		return toMapList(n)
	case json.RawMessage:
		var x any
		d := json.NewDecoder(bytes.NewReader(n))
		d.UseNumber()
		if d.Decode(&x) != nil {
			return nil
		}
		return x
	case int64:
		return json.Number(strconv.FormatInt(n, 10))
	case float64:
		s := strconv.FormatFloat(n, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return json.Number(s)
	}
	return v
}

func (k *kindDef[T]) lookup(e *Emulator, c *httpapi.Call) (T, *httpapi.Resp) {
	var zero T
	if k.keyID {
		// any string: the lookup is a plain equality
	} else if k.intPK {
		if _, err := strconv.ParseInt(c.ID, 10, 32); err != nil {
			r := httpapi.NotFound()
			return zero, &r
		}
	} else if !isUUID(c.ID) {
		r := httpapi.NotFound()
		return zero, &r
	}
	obj, ok := k.byID(e, c.ID)
	if !ok {
		r := httpapi.NoMatch(k.model)
		return zero, &r
	}
	return obj, nil
}

// route builds the kind's routes on the shared handlers.
func (k *kindDef[T]) route(e *Emulator) route {
	rt := route{
		model:      k.metaModel,
		prefix:     k.prefix,
		collection: methods(func(c *httpapi.Call) httpapi.Resp { return k.listH(e, c) }, func(c *httpapi.Call) httpapi.Resp { return k.createH(e, c) }),
		detail: detailMethods(
			func(c *httpapi.Call) httpapi.Resp {
				obj, r := k.lookup(e, c)
				if r != nil {
					return *r
				}
				return httpapi.Resp{Status: http.StatusOK, Body: k.renderObj(e, c, obj)}
			},
			func(c *httpapi.Call) httpapi.Resp { return k.updateH(e, c, false) },
			func(c *httpapi.Call) httpapi.Resp { return k.updateH(e, c, true) },
			func(c *httpapi.Call) httpapi.Resp {
				obj, r := k.lookup(e, c)
				if r != nil {
					return *r
				}
				if k.destroy != nil {
					if r := k.destroy(e, obj); r != nil {
						return *r
					}
				}
				k.remove(e, obj)
				return httpapi.Resp{Status: http.StatusNoContent}
			}),
		collectionActions: k.collectionActions,
		detailActions:     map[string]action{},
	}
	if k.noWrite {
		delete(rt.collection, http.MethodPost)
		delete(rt.detail, http.MethodPut)
		delete(rt.detail, http.MethodPatch)
	}
	if len(k.postActions) > 0 {
		rt.collectionActions = maps.Clone(rt.collectionActions)
		if rt.collectionActions == nil {
			rt.collectionActions = map[string]action{}
		}
		for name, fn := range k.postActions {
			rt.collectionActions[name] = action{methods: map[string]handler{http.MethodPost: func(c *httpapi.Call) httpapi.Resp { return fn(e, c) }}}
		}
	}
	if k.rawDetailActions != nil {
		for name, a := range k.rawDetailActions(e) {
			rt.detailActions[name] = a
		}
	}
	for name, a := range k.detailActions {
		rt.detailActions[name] = action{anonymous: a.anonymous, methods: map[string]handler{http.MethodGet: func(c *httpapi.Call) httpapi.Resp {
			obj, r := k.lookup(e, c)
			if r != nil {
				return *r
			}
			return a.fn(e, c, obj)
		}}}
	}
	return rt
}

func (k *kindDef[T]) listH(e *Emulator, c *httpapi.Call) httpapi.Resp {
	single, multi := map[string]func(string) bool{}, map[string]func(string) bool{}
	if k.refFilters != nil {
		single, multi = k.refFilters(e)
	}
	// django-filter builds a ModelChoiceFilter for a FK and a
	// ModelMultipleChoiceFilter for a M2M field: an unknown pk is a 400.
	choices := map[string][]string{}
	for _, fd := range k.fields {
		if fd.filter != "exact" {
			continue
		}
		ref := fd.ref
		switch fd.typ {
		case ftRef:
			if single == nil {
				single = map[string]func(string) bool{}
			}
			single[fd.name] = func(v string) bool { return e.resolveRef(ref, v) != "" }
		case ftRefList:
			if multi == nil {
				multi = map[string]func(string) bool{}
			}
			multi[fd.name] = func(v string) bool { return e.resolveRef(ref, v) != "" }
		case ftChoice, ftChoiceNull:
			// A model field with choices gets a ChoiceFilter.
			choices[fd.name] = fd.choices
		}
	}
	var choiceMulti map[string][]string
	if k.choiceFilters != nil {
		var cs map[string][]string
		cs, choiceMulti = k.choiceFilters(e)
		for name, v := range cs {
			choices[name] = v
		}
	}
	r := e.checkRefFilters(c, single, multi)
	if r := httpapi.CheckChoiceFilters(c, choices, choiceMulti, r); r != nil {
		return *r
	}
	all := k.all(e)
	if k.listFilter != nil {
		keep, r := k.listFilter(e, c)
		if r != nil {
			return *r
		}
		var kept []T
		for _, obj := range all {
			if keep(obj) {
				kept = append(kept, obj)
			}
		}
		all = kept
	}
	l := httpapi.LazyList{N: len(all), Render: func(i int) map[string]any {
		m := k.renderObj(e, c, all[i])
		if k.listExtra != nil {
			k.listExtra(e, all[i], m)
		}
		return m
	}}
	overridden := len(e.overrides[k.kind]) > 0
	for _, o := range k.overrideKinds {
		overridden = overridden || len(e.overrides[o]) > 0
	}
	if !overridden {
		// The own fields render from attrs (renderObj sets them last).
		own := map[string]fieldDef{}
		for _, fd := range k.fields {
			if !fd.writeOnly {
				own[fd.name] = fd
			}
		}
		l.Fast = func(i int, name string) (any, bool) {
			if name == "pk" {
				if k.intPK {
					return json.Number(k.pk(all[i])), true
				}
				return k.pk(all[i]), true
			}
			if k.fast != nil {
				if v, ok := k.fast(all[i], name); ok {
					return v, true
				}
			}
			fd, ok := own[name]
			if !ok {
				return nil, false
			}
			return e.fieldValue(fd, k.attrs(all[i])), true
		}
	}
	spec := k.list
	spec.Filters = append([]httpapi.FilterSpec(nil), spec.Filters...)
	for _, fd := range k.fields {
		switch {
		case fd.filter == "exact" && fd.typ == ftBool:
			spec.Filters = append(spec.Filters, httpapi.BoolExact(fd.name, fd.name))
		case fd.filter == "exact" && (fd.typ == ftKeypair || fd.typ == ftSAMLMapping || fd.typ == ftRef):
			spec.Filters = append(spec.Filters, httpapi.IExact(fd.name, fd.name))
		case fd.filter == "exact" && fd.typ == ftRefList:
			spec.Filters = append(spec.Filters, httpapi.ListContains(fd.name, fd.name))
		case fd.filter == "exact":
			spec.Filters = append(spec.Filters, httpapi.Exact(fd.name, fd.name))
		case fd.filter == "iexact":
			spec.Filters = append(spec.Filters, httpapi.IExact(fd.name+"__iexact", fd.name))
		}
	}
	res := httpapi.ListLazy(c, l, spec)
	stripPrivate(res)
	return res
}

func (k *kindDef[T]) createH(e *Emulator, c *httpapi.Call) httpapi.Resp {
	obj := k.newObj(e)
	if r := k.write(e, c, obj, false); r != nil {
		return *r
	}
	k.insert(e, obj)
	return httpapi.Resp{Status: http.StatusCreated, Body: k.renderObj(e, c, obj)}
}

// newObj is a new object with the model defaults: fresh's, then each
// field's def where fresh left it unset (fresh sets the generated ones,
// such as an OAuth2 client_id).
func (k *kindDef[T]) newObj(e *Emulator) T {
	obj := k.fresh(e)
	a := k.attrs(obj)
	for _, fd := range k.fields {
		if _, set := a[fd.name]; !set {
			a[fd.name] = fd.def
		}
	}
	return obj
}

// validateNew validates a create body without storing anything (the
// transactional application endpoint checks nested bodies this way).
func (k *kindDef[T]) validateNew(e *Emulator, c *httpapi.Call) *httpapi.Resp {
	obj := k.newObj(e)
	return k.write(e, c, obj, false)
}

func (k *kindDef[T]) updateH(e *Emulator, c *httpapi.Call, partial bool) httpapi.Resp {
	obj, r := k.lookup(e, c)
	if r != nil {
		return *r
	}
	next := k.clone(obj)
	if r := k.write(e, c, next, partial); r != nil {
		return *r
	}
	k.commit(e, obj, next)
	return httpapi.Resp{Status: http.StatusOK, Body: k.renderObj(e, c, obj)}
}

// write validates a body into obj; nil means success.
func (k *kindDef[T]) write(e *Emulator, c *httpapi.Call, obj T, partial bool) *httpapi.Resp {
	f, perr := httpapi.ParseForm(c.Body, partial)
	if perr != nil {
		return perr
	}
	if k.readBase != nil {
		k.readBase(e, f, obj)
	}
	a := k.attrs(obj)
	for _, fd := range k.fields {
		if fd.putDefault && !partial && !f.Has(fd.name) {
			a[fd.name] = fd.def
		}
		e.readField(f, fd, a)
		// A unique column holds any number of NULLs.
		if fd.unique != "" && f.Has(fd.name) && f.Errs[fd.name] == nil && a[fd.name] != nil {
			for _, o := range k.all(e) {
				if k.pk(o) != k.pk(obj) && k.attrs(o)[fd.name] == a[fd.name] {
					f.Fail(fd.name, fd.unique)
				}
			}
		}
	}
	if k.fieldChecks != nil {
		k.fieldChecks(e, f, obj)
	}
	if !f.Ok() {
		r := f.Result()
		return &r
	}
	if k.validate != nil {
		return k.validate(e, f, obj)
	}
	return nil
}

// readField reads one field of a body into a.
func (e *Emulator) readField(f *httpapi.Form, fd fieldDef, a map[string]any) {
	k := fd.name
	switch fd.typ {
	case ftString:
		var s string
		if f.Str(k, fd.required, fd.blank, &s) {
			if fd.maxLength > 0 && len([]rune(s)) > fd.maxLength {
				f.Fail(k, fmt.Sprintf("Ensure this field has no more than %d characters.", fd.maxLength))
				return
			}
			a[k] = s
		}
	case ftURL:
		var s string
		if f.Str(k, fd.required, fd.blank, &s) {
			if s != "" && !validDomainlessURL(s) {
				f.Fail(k, "Enter a valid URL.")
				return
			}
			a[k] = s
		}
	case ftDuration:
		var s string
		if f.Str(k, fd.required, false, &s) {
			if msg, crash := httpapi.DurationError(s); crash {
				// An overflow is an uncaught OverflowError: a 500.
				f.Crash(k)
				return
			} else if msg != "" {
				f.Fail(k, msg)
				return
			}
			a[k] = s
		}
	case ftChoice:
		var s string
		if f.Choice(k, fd.required, fd.choices, &s) {
			a[k] = s
		}
	case ftBool:
		var b bool
		if f.Boolean(k, &b) {
			a[k] = b
		}
	case ftInt32, ftUint:
		lo, hi := int64(-2147483648), int64(2147483647)
		if fd.typ == ftUint {
			lo = 0
		}
		if fd.max != 0 {
			hi = fd.max
		}
		if fd.min != 0 {
			lo = fd.min
		}
		var n int
		if f.Integer(k, fd.required, lo, hi, &n) {
			a[k] = int64(n)
		}
	case ftFloat:
		if f.Take(k, fd.required, false) {
			s, ok := httpapi.ScalarString(f.Raw[k])
			x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if !ok || err != nil {
				f.Fail(k, "A valid number is required.")
				return
			}
			a[k] = x
		}
	case ftEmail:
		var s string
		if f.Str(k, fd.required, fd.blank, &s) {
			if s != "" && !emailRe.MatchString(s) {
				f.Fail(k, "Enter a valid email address.")
				return
			}
			a[k] = s
		}
	case ftFile:
		var s string
		if f.Str(k, fd.required, true, &s) {
			if s != "" {
				if msg := validateIconName(s); msg != "" {
					f.Fail(k, msg)
					return
				}
			}
			a[k] = s
		}
	case ftSlug:
		var s string
		if f.Str(k, fd.required, false, &s) {
			if !slugRe.MatchString(s) {
				f.Fail(k, msgSlug)
				return
			}
			a[k] = s
		}
	case ftChoiceNull:
		if f.IsNull(k) {
			a[k] = nil
			return
		}
		var s string
		if f.Choice(k, fd.required, fd.choices, &s) {
			a[k] = s
		}
	case ftChoiceList:
		items, ok := f.List(k, fd.required, true)
		if !ok {
			return
		}
		out := []string{}
		errs := map[string]any{}
		for i, it := range items {
			s, ok := httpapi.ScalarString(it)
			if !ok || !slices.Contains(fd.choices, s) {
				errs[strconv.Itoa(i)] = []string{fmt.Sprintf("%q is not a valid choice.", httpapi.DisplayValue(it))}
				continue
			}
			out = append(out, s)
		}
		if len(errs) > 0 {
			f.Errs[k] = errs
			return
		}
		a[k] = out
	case ftIntList, ftStrList:
		items, ok := f.List(k, fd.required, true)
		if !ok {
			return
		}
		ints, strs := []int64{}, []string{}
		for i, it := range items {
			sv, isScalar := httpapi.ScalarString(it)
			n, err := strconv.ParseInt(strings.TrimSpace(sv), 10, 64)
			switch {
			case !isScalar:
				f.Errs[k] = map[string]any{strconv.Itoa(i): []string{"Not a valid string."}}
				return
			case fd.typ == ftIntList && (err != nil || httpapi.PyType(it) == "float"):
				f.Errs[k] = map[string]any{strconv.Itoa(i): []string{"A valid integer is required."}}
				return
			}
			ints, strs = append(ints, n), append(strs, sv)
		}
		if fd.typ == ftIntList {
			a[k] = ints
		} else {
			a[k] = strs
		}
	case ftRef:
		var p *string
		if f.Has(k) || (fd.required && !f.Partial) {
			if f.UUIDRef(k, fd.required, !fd.required, func(v string) string { return e.resolveRef(fd.ref, v) }, &p) {
				if p == nil {
					a[k] = nil
				} else {
					a[k] = *p
				}
			}
		}
	case ftRefList:
		items, ok := f.List(k, fd.required, fd.allowEmpty)
		if !ok {
			return
		}
		out := []string{}
		for _, it := range items {
			v, ok := f.UUIDItem(it, func(v string) string { return e.resolveRef(fd.ref, v) })
			if !ok {
				f.Errs[k] = []string{v}
				return
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		a[k] = out
	case ftObject:
		var raw json.RawMessage
		if f.Object(k, fd.required, &raw) {
			a[k] = raw
		}
	case ftRedirectURIs:
		var l []store.RedirectURI
		if f.Has(k) || (fd.required && !f.Partial) {
			readRedirectURIs(f, k, fd.required, &l)
			if l != nil {
				a[k] = l
			}
		}
	case ftIntRef:
		var p *int32
		if f.Has(k) || (fd.required && !f.Partial) {
			if f.IntRef(k, fd.required, !fd.required, func(pk int32) bool { return e.intRefExists(fd.ref, pk) }, &p) {
				if p == nil {
					a[k] = nil
				} else {
					a[k] = int64(*p)
				}
			}
		}
	case ftIntRefList:
		var out []int32
		if f.IntList(k, fd.required, true, func(pk int32) bool { return e.intRefExists(fd.ref, pk) }, &out) {
			a[k] = out
		}
	case ftNullString:
		var p *string
		if f.Has(k) && f.NullStr(k, &p) {
			if p == nil {
				a[k] = nil
			} else {
				a[k] = *p
			}
		}
	case ftKeypair, ftSAMLMapping:
		exists := e.st.KeypairRef
		if fd.typ == ftSAMLMapping {
			exists = e.st.SAMLMappingRef
		}
		var p *string
		if f.Has(k) && f.UUIDRef(k, fd.required, true, exists, &p) {
			if p == nil {
				a[k] = nil
			} else {
				a[k] = *p
			}
		}
	}
}

// emailRe approximates Django's EmailValidator: a user part, then
// "localhost" (the allowlist) or a dotted domain with a TLD.
var emailRe = regexp.MustCompile(`^[^\s@]+@(localhost|([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}\.?)$`)

// domainlessURLRe is Django's URLValidator regex as DomainlessURLValidator
// relaxes it (any host name, no TLD needed), in a simplified form.
var domainlessURLRe = regexp.MustCompile(`(?i)^[a-z0-9.+-]*://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?(?:[a-z0-9\x{00a1}-\x{ffff}](?:[a-z0-9\x{00a1}-\x{ffff}-]{0,61}[a-z0-9\x{00a1}-\x{ffff}])?(?:\.[a-z0-9\x{00a1}-\x{ffff}-]+)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?(?:[/?#][^\s]*)?$`)

// validDomainlessURL is DomainlessURLValidator(schemes=("http", "https")).
func validDomainlessURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
	default:
		return false
	}
	if !domainlessURLRe.MatchString(s) {
		return false
	}
	_, err := url.Parse(s)
	return err == nil
}

func cloneAttrs(a map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	return out
}

// ---- providers on the generic layer ----

// providerKind wires a generic provider kind to the shared Provider table.
func providerKind(kind, model, prefix string, fields []fieldDef) *kindDef[*store.Provider] {
	pkind := strings.TrimSuffix(kind, "provider")
	return &kindDef[*store.Provider]{
		kind: kind, model: model, prefix: prefix, intPK: true, fields: fields,
		all: func(e *Emulator) []*store.Provider {
			var out []*store.Provider
			for _, p := range e.st.Providers {
				if p.Kind == pkind {
					out = append(out, p)
				}
			}
			return out
		},
		byID: func(e *Emulator, id string) (*store.Provider, bool) {
			n, _ := strconv.ParseInt(id, 10, 32)
			p := e.st.ProviderByPK(int32(n))
			return p, p != nil && p.Kind == pkind
		},
		fresh: func(e *Emulator) *store.Provider {
			return &store.Provider{Kind: pkind, Attrs: map[string]any{}, PropertyMappings: []string{}}
		},
		clone: func(p *store.Provider) *store.Provider {
			n := *p
			n.Attrs = cloneAttrs(p.Attrs)
			return &n
		},
		commit:   func(_ *Emulator, dst, src *store.Provider) { *dst = *src },
		insert:   func(e *Emulator, p *store.Provider) { e.insertProvider(p) },
		remove:   func(e *Emulator, p *store.Provider) { e.st.DeleteProvider(p) },
		attrs:    func(p *store.Provider) map[string]any { return p.Attrs },
		key:      func(p *store.Provider) string { return p.Name },
		pk:       func(p *store.Provider) string { return strconv.Itoa(int(p.PK)) },
		readBase: func(e *Emulator, f *httpapi.Form, p *store.Provider) { e.readProviderBase(f, p) },
		render: func(e *Emulator, _ *httpapi.Call, p *store.Provider) map[string]any {
			return httpapi.ToMap(e.baseOut(p, p.ConcreteClass()))
		},
		fast: func(p *store.Provider, name string) (any, bool) {
			if name == "name" {
				return p.Name, true
			}
			return nil, false
		},
	}
}

// readProviderBase reads ProviderSerializer's fields (authentik/core/api/providers.py).
func (e *Emulator) readProviderBase(f *httpapi.Form, p *store.Provider) {
	if f.Str("name", true, false, &p.Name) {
		for _, o := range e.st.Providers {
			if o.Name == p.Name && o.PK != p.PK {
				f.Fail("name", "provider with this name already exists.")
			}
		}
	}
	var flowPK *string
	if f.UUIDRef("authorization_flow", true, false, e.st.FlowRef, &flowPK) {
		p.AuthorizationFlow = *flowPK
	}
	if f.UUIDRef("invalidation_flow", true, false, e.st.FlowRef, &flowPK) {
		p.InvalidationFlow = flowPK
	}
	f.UUIDRef("authentication_flow", false, true, e.st.FlowRef, &p.AuthenticationFlow)
	f.UUIDList("property_mappings", false, e.st.MappingRef, &p.PropertyMappings)
}

// providerRefFilters are the model-choice filters every provider list has.
func providerRefFilters(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
	flow := func(v string) bool { return e.st.FlowRef(v) != "" }
	return map[string]func(string) bool{
			"authorization_flow": flow, "authentication_flow": flow, "invalidation_flow": flow,
		}, map[string]func(string) bool{
			"property_mappings": func(v string) bool { return e.st.MappingRef(v) != "" },
		}
}

// kindRegistry lists the generic kinds, for routing and SetField.
type genericKind interface {
	route(e *Emulator) route
	setField(e *Emulator, key string) (id string, ok bool)
	kindName() string
	// hasObject looks an object up by model and pk (objectperms.go).
	hasObject(e *Emulator, model, pk string) (found, known bool)
}

func (k *kindDef[T]) kindName() string { return k.kind }

// setField resolves an object by its key for SetField.
func (k *kindDef[T]) setField(e *Emulator, key string) (string, bool) {
	for _, obj := range k.all(e) {
		if k.key(obj) == key {
			if k.urlID != nil {
				return k.urlID(obj), true
			}
			return k.pk(obj), true
		}
	}
	return "", false
}

// uuidObjects fills the storage hooks of a kind whose objects are plain
// store.Objects with a uuid pk (made on insert), in the State list at,
// named by their keyField attribute: all, byID, fresh, clone, commit,
// insert, remove, attrs, key and pk. del is the store's delete with its
// cascades (nil: the object leaves the list, nothing else).
func uuidObjects(d *kindDef[*store.Object], at func(*store.State) *[]*store.Object, del func(*store.State, *store.Object), keyField string) *kindDef[*store.Object] {
	d.all = func(e *Emulator) []*store.Object { return *at(e.st) }
	d.byID = func(e *Emulator, id string) (*store.Object, bool) {
		for _, o := range *at(e.st) {
			if strings.EqualFold(o.PK, id) {
				return o, true
			}
		}
		return nil, false
	}
	d.fresh = func(*Emulator) *store.Object { return &store.Object{Attrs: map[string]any{}} }
	d.clone = func(o *store.Object) *store.Object { return &store.Object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} }
	d.commit = func(_ *Emulator, dst, src *store.Object) { dst.Attrs = src.Attrs }
	d.insert = func(e *Emulator, o *store.Object) {
		o.PK = e.newUUID()
		*at(e.st) = append(*at(e.st), o)
	}
	d.remove = func(e *Emulator, o *store.Object) {
		if del != nil {
			del(e.st, o)
			return
		}
		*at(e.st) = slices.DeleteFunc(*at(e.st), func(x *store.Object) bool { return x == o })
	}
	d.attrs = func(o *store.Object) map[string]any { return o.Attrs }
	d.key = func(o *store.Object) string { return httpapi.FmtVal(o.Attrs[keyField]) }
	d.pk = func(o *store.Object) string { return o.PK }
	return d
}
