#include <nanobind/nanobind.h>

#include "bindings.h"

NB_MODULE(_core, m) {
  m.doc() =
      "zarrphase native core: format, codecs, stores, engine and arrays (see "
      "zarrphase/__init__.py).";
  zarrphase::bindings::bind_errors(m);
  zarrphase::bindings::bind_format(m);
  zarrphase::bindings::bind_codecs(m);
  zarrphase::bindings::bind_stores(m);
  zarrphase::bindings::bind_engine(m);
  zarrphase::bindings::bind_array(m);
  zarrphase::bindings::bind_plans(m);
}
