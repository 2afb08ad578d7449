use clap::Parser;

// mimalloc: imports allocate and free many small strings across two threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = chatledger::cli::Cli::parse();
    chatledger::logging::init(cli.global.log_format.as_deref().unwrap_or("text"));
    match chatledger::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}
