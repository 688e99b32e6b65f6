// Imported before anything loads React: benchmarks measure the production build the CLI's console runs.
process.env.NODE_ENV ??= 'production';
