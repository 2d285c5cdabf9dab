//! Every query the dashboard runs. To be built.
