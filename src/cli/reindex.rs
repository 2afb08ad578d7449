use figment::Figment;

use super::{Global, open_store, progress};

pub fn run(g: &Global) -> anyhow::Result<i32> {
    let loaded = g.load(Figment::new())?;
    let store = open_store(&loaded)?;
    if !store.is_exclusive() {
        anyhow::bail!("another chatledger process (the server?) has the store open; stop it first");
    }
    let pb = progress::bar(0, "reindexing");
    let started = std::time::Instant::now();
    store.reindex(&mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    println!("derived tables rebuilt from the events in {:.1} s", started.elapsed().as_secs_f64());
    Ok(0)
}
