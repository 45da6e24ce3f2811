// Engine settings for Python: the thread count and the options that shape a plan's IO.
#include <nanobind/nanobind.h>

#include "bindings.h"
#include "zarrphase/config.h"
#include "zarrphase/engine.h"

namespace nb = nanobind;

namespace zarrphase::bindings {

void bind_engine(nb::module_& m) {
  nb::enum_<SubchunkWriteOrder>(m, "SubchunkWriteOrder",
                                "Physical order of subchunks in the shards we write.")
      .value("morton", SubchunkWriteOrder::kMorton)
      .value("lexicographic", SubchunkWriteOrder::kLexicographic)
      .value("colexicographic", SubchunkWriteOrder::kColexicographic)
      .value("unordered", SubchunkWriteOrder::kUnordered);

  nb::class_<EngineOptions>(m, "EngineOptions", "How reads and writes plan their IO.")
      .def(nb::init<>())
      .def_static("for_local_store", &EngineOptions::for_local_store)
      .def_static("for_remote_store", &EngineOptions::for_remote_store)
      .def_rw("validate_checksums", &EngineOptions::validate_checksums)
      .def_rw("write_empty_chunks", &EngineOptions::write_empty_chunks)
      .def_rw("subchunk_write_order", &EngineOptions::subchunk_write_order)
      .def_rw("coalesce_max_gap_bytes", &EngineOptions::coalesce_max_gap_bytes)
      .def_rw("coalesce_max_bytes", &EngineOptions::coalesce_max_bytes)
      .def_rw("whole_shard_fraction", &EngineOptions::whole_shard_fraction)
      .def_rw("write_ranges_in_place", &EngineOptions::write_ranges_in_place);

  nb::class_<ExecutionStats>(m, "ExecutionStats", "What one read or write did.")
      .def_ro("rounds", &ExecutionStats::rounds)
      .def_ro("read_requests", &ExecutionStats::read_requests)
      .def_ro("bytes_read", &ExecutionStats::bytes_read)
      .def_ro("writes", &ExecutionStats::writes)
      .def_ro("erases", &ExecutionStats::erases);

  m.def("set_thread_count", &set_thread_count, nb::arg("threads"),
        "Threads the native engine computes on; 0 restores one per core.");
  m.def("thread_count", &thread_count);
}

}  // namespace zarrphase::bindings
