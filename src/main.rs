fn main() -> std::process::ExitCode {
    bkportals::cli::main()
}
